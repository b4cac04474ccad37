//! Applies `pylib-patches/NAME.patch` to `Lib/NAME.py` of the `rustpython-pylib` dependency, so
//! the binary serves the stdlib module NAME as shipped plus a reviewable diff (see
//! src/pylib_patches.rs). A patch that stops applying fails the build: serving the unpatched
//! module instead would bring back the failure the patch fixes, silently.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let dir = Path::new(&env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("pylib-patches");
    println!("cargo:rerun-if-changed={}", dir.display());
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let mut table = String::from("const PATCHED_MODULES: &[PatchedModule] = &[\n");
    for (module, patch_path) in patch_files(&dir) {
        let upstream = Path::new(rustpython_pylib::LIB_PATH).join(format!("{module}.py"));
        println!("cargo:rerun-if-changed={}", upstream.display());
        let original = fs::read_to_string(&upstream)
            .unwrap_or_else(|err| panic!("cannot read the stdlib module {} to patch: {err}", upstream.display()));
        let patch_text =
            fs::read_to_string(&patch_path).unwrap_or_else(|err| panic!("cannot read {}: {err}", patch_path.display()));
        let patch = diffy::Patch::from_str(&patch_text)
            .unwrap_or_else(|err| panic!("{} is not a unified diff: {err}", patch_path.display()));
        let patched = diffy::apply(&original, &patch).unwrap_or_else(|err| {
            panic!(
                "{} no longer applies to {} ({err}). The rustpython-pylib dependency changed the \
                 module; rebase the patch on the new file, or drop it if upstream fixed the cause.",
                patch_path.display(),
                upstream.display()
            )
        });
        let source_out = out_dir.join(format!("pylib_{module}.py"));
        fs::write(&source_out, patched).expect("OUT_DIR is writable");
        writeln!(
            table,
            "    PatchedModule {{ name: {module:?}, source: include_str!({source:?}) }},",
            source = source_out.display().to_string(),
        )
        .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");
    fs::write(out_dir.join("pylib_patched.rs"), table).expect("OUT_DIR is writable");
}

/// `NAME.patch` files of `dir` as (NAME, path), sorted by name so the table is reproducible.
fn patch_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let entries = fs::read_dir(dir).unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
    let mut found: Vec<(String, PathBuf)> = entries
        .map(|entry| entry.unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display())).path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "patch"))
        .map(|path| {
            let name = path.file_stem().and_then(|stem| stem.to_str()).map(str::to_owned);
            (name.unwrap_or_else(|| panic!("{} has no UTF-8 name", path.display())), path)
        })
        .collect();
    found.sort();
    found
}
