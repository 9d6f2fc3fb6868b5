#!/usr/bin/env bash
# Builds a small Rust program around Eidetica's own CRDT code, used to generate the fixtures in
# ../fixtures/ and, when EIDETICA_RUST_ORACLE points at the binary, to cross-check this port live.
#
# Needs: cargo, Debian's librust-{serde-json,uuid,serde-derive,thiserror,getrandom}-dev (offline
# crates in /usr/share/cargo/registry), and a clone of arcuru/eidetica (the default is the bare
# mirror used while porting). Nothing from Eidetica is copied into this repository: the sources
# are extracted into a temporary build folder.
#
# The only change to the Rust code: Doc.children becomes a BTreeMap instead of a HashMap, so that
# key order is deterministic (code-point order, the order this port writes).
#
#   bash test/crdt/oracle/build.sh   # prints the path of the binary
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${EIDETICA_REPO:-/work/.mirror/arcuru+eidetica/repo}"
rev="${EIDETICA_REV:-HEAD}"
out="${ORACLE_BUILD_DIR:-/tmp/eidetica-crdt-oracle}"
mkdir -p "$out/src/crdt/doc" "$out/.cargo"
for f in mod.rs errors.rs traits.rs doc/mod.rs doc/value.rs doc/list.rs doc/path.rs doc/node_tests.rs; do
  git -C "$repo" show "$rev:crates/lib/src/crdt/$f" > "$out/src/crdt/$f"
done
sed -i 's/HashMap/BTreeMap/g' "$out/src/crdt/doc/mod.rs"
cat > "$out/src/lib.rs" <<'RS'
pub mod crdt;
#[derive(Debug)]
pub enum Error { CRDT(Box<crdt::CRDTError>) }
pub type Result<T> = std::result::Result<T, Error>;
RS
cp "$here/main.rs" "$out/src/main.rs"
cat > "$out/Cargo.toml" <<'TOML'
[package]
name = "eidetica-crdt-oracle"
version = "0.0.0"
edition = "2024"
[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "1"
uuid = { version = "1", features = ["v4", "serde"] }
TOML
cat > "$out/.cargo/config.toml" <<'TOML'
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
TOML
(cd "$out" && cargo build --release --quiet)
echo "$out/target/release/eidetica-crdt-oracle"
