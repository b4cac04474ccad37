//! Reads the unmodified copy.py from the `rustpython-pylib` dependency and applies every
//! variant patch in `patches/` to it, so the binary embeds exactly what the dependency ships
//! plus reviewable diffs. A patch that no longer applies fails the build: running a silently
//! different file would make every measurement of that variant meaningless.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let upstream = Path::new(rustpython_pylib::LIB_PATH).join("copy.py");
    println!("cargo:rerun-if-changed={}", upstream.display());
    println!("cargo:rerun-if-changed=patches");

    let baseline = fs::read_to_string(&upstream)
        .unwrap_or_else(|err| panic!("cannot read the upstream copy.py at {}: {err}", upstream.display()));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let baseline_out = out_dir.join("copy_baseline.py");
    fs::write(&baseline_out, &baseline).expect("OUT_DIR is writable");

    let mut table = String::from("const PATCHED: &[PatchedSource] = &[\n");
    for (name, patch_path) in patch_files() {
        let patch_text =
            fs::read_to_string(&patch_path).unwrap_or_else(|err| panic!("cannot read {}: {err}", patch_path.display()));
        let patch = diffy::Patch::from_str(&patch_text)
            .unwrap_or_else(|err| panic!("{} is not a unified diff: {err}", patch_path.display()));
        let patched = diffy::apply(&baseline, &patch).unwrap_or_else(|err| {
            panic!(
                "variant `{name}`: {} no longer applies to {} ({err}). \
                 The rustpython-pylib dependency changed copy.py; rebase the patch on the new file.",
                patch_path.display(),
                upstream.display()
            )
        });
        let source_out = out_dir.join(format!("copy_{name}.py"));
        fs::write(&source_out, patched).expect("OUT_DIR is writable");
        writeln!(
            table,
            "    PatchedSource {{ name: {name:?}, patch: include_str!({patch:?}), source: include_str!({source:?}) }},",
            patch = patch_path.display().to_string(),
            source = source_out.display().to_string(),
        )
        .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");
    writeln!(
        table,
        "const BASELINE_SOURCE: &str = include_str!({:?});\nconst UPSTREAM_PATH: &str = {:?};",
        baseline_out.display().to_string(),
        upstream.display().to_string(),
    )
    .expect("writing to a String cannot fail");
    fs::write(out_dir.join("patched.rs"), table).expect("OUT_DIR is writable");
}

/// `patches/NAME.patch`, sorted by name so the generated table is reproducible.
fn patch_files() -> Vec<(String, PathBuf)> {
    let dir = Path::new(&env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("patches");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "patch"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_str()?.to_owned();
            Some((name, path))
        })
        .collect();
    found.sort();
    found
}
