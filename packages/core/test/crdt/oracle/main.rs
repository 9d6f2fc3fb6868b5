//! Line-oriented driver around Eidetica's CRDT code (see build.sh). One JSON command per input
//! line, one JSON result per output line: {"ok": ...} or {"err": "..."}.
//!
//! Commands:
//!   {"op":"roundtrip","doc":TEXT}                  -> serde_json::to_string(from_str(TEXT))
//!   {"op":"merge","docs":[TEXT,...]}               -> left fold of Doc::merge, as JSON text
//!   {"op":"set","doc":TEXT,"path":P,"value":VAL}   -> doc.set(P, VAL) where VAL is Value JSON
//!   {"op":"remove","doc":TEXT,"path":P}            -> doc.remove(P)
//!   {"op":"get","doc":TEXT,"path":P}               -> {"value": Value JSON or null, "tombstone": bool}
//!   {"op":"list","list":TEXT,"ops":[...]}          -> List after push/insert/remove ops, as JSON
use std::io::{BufRead, Write};

use eidetica_crdt_oracle::crdt::{CRDT, Doc, doc::{List, Value}};
use serde_json::{Value as J, json};

fn doc(text: &J) -> Result<Doc, String> {
    serde_json::from_str(text.as_str().ok_or("doc must be a string")?).map_err(|e| e.to_string())
}

fn run(cmd: &J) -> Result<J, String> {
    let s = |k: &str| cmd[k].as_str().map(str::to_string).ok_or(format!("missing {k}"));
    match cmd["op"].as_str().unwrap_or("") {
        "roundtrip" => Ok(json!(serde_json::to_string(&doc(&cmd["doc"])?).unwrap())),
        "merge" => {
            let mut acc = Doc::new();
            for d in cmd["docs"].as_array().ok_or("docs")? {
                acc = acc.merge(&doc(d)?).map_err(|e| format!("{e:?}"))?;
            }
            Ok(json!(serde_json::to_string(&acc).unwrap()))
        }
        "set" => {
            let mut d = doc(&cmd["doc"])?;
            let v: Value = serde_json::from_str(&s("value")?).map_err(|e| e.to_string())?;
            d.set(s("path")?.as_str(), v);
            Ok(json!(serde_json::to_string(&d).unwrap()))
        }
        "remove" => {
            let mut d = doc(&cmd["doc"])?;
            d.remove(s("path")?.as_str());
            Ok(json!(serde_json::to_string(&d).unwrap()))
        }
        "get" => {
            let d = doc(&cmd["doc"])?;
            let p = s("path")?;
            let v = d.get(p.as_str()).map(|v| serde_json::to_string(v).unwrap());
            Ok(json!({"value": v, "tombstone": d.is_tombstone(p.as_str())}))
        }
        "list" => {
            let mut l: List = serde_json::from_str(&s("list")?).map_err(|e| e.to_string())?;
            for op in cmd["ops"].as_array().ok_or("ops")? {
                let v = || -> Result<Value, String> {
                    serde_json::from_str(op["value"].as_str().unwrap_or("\"Null\"")).map_err(|e| e.to_string())
                };
                let i = op["index"].as_u64().unwrap_or(0) as usize;
                match op["op"].as_str().unwrap_or("") {
                    "push" => { l.push(v()?); }
                    "insert" => l.insert(i, v()?).map_err(|e| e.to_string())?,
                    "remove" => { l.remove(i); }
                    other => return Err(format!("unknown list op {other}")),
                }
            }
            Ok(json!(serde_json::to_string(&l).unwrap()))
        }
        other => Err(format!("unknown op {other}")),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let result = serde_json::from_str::<J>(&line)
            .map_err(|e| e.to_string())
            .and_then(|cmd| run(&cmd));
        let reply = match result {
            Ok(v) => json!({"ok": v}),
            Err(e) => json!({"err": e}),
        };
        writeln!(out, "{reply}").unwrap();
        out.flush().unwrap();
    }
}
