//! `copylab run -m pip install PATH`: pip (from a CPython venv on PYTHONPATH) installs a
//! pure-Python package for programs run under copylab, offline.

use crate::common::{copylab, pyperf_site_packages, stderr_of, stdout_of};

#[test]
fn pip_installs_a_pure_python_package_that_copylab_then_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let package = dir.path().join("hello-copylab");
    std::fs::create_dir_all(package.join("hello_copylab")).expect("mkdir");
    std::fs::write(
        package.join("pyproject.toml"),
        "[build-system]\nrequires = [\"setuptools>=61\"]\nbuild-backend = \"setuptools.build_meta\"\n\n\
         [project]\nname = \"hello-copylab\"\nversion = \"0.1\"\n",
    )
    .expect("write");
    std::fs::write(package.join("hello_copylab/__init__.py"), "def hello():\n    return 'installed'\n").expect("write");
    let target = dir.path().join("site");
    // pip and setuptools come from the venv `.ci/run` makes (tests/requirements.txt pins them).
    let installed = copylab()
        .env("PYTHONPATH", pyperf_site_packages())
        .args(["run", "-m", "pip", "install", "--no-index", "--no-build-isolation", "--disable-pip-version-check"])
        .arg("--target")
        .arg(&target)
        .arg(&package)
        .timeout(crate::threads::LIMIT * 3)
        .output()
        .expect("runs");
    assert!(installed.status.success(), "pip install:\n{}\n{}", stdout_of(&installed), stderr_of(&installed));
    assert!(stdout_of(&installed).contains("Successfully installed hello-copylab-0.1"), "{}", stdout_of(&installed));

    let out = copylab()
        .env("PYTHONPATH", &target)
        .args(["run", "-c", "import hello_copylab; print(hello_copylab.hello())"])
        .timeout(crate::threads::LIMIT)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "installed\n");
}
