use copylab_stdlib_copy::{CopySource, Variant};
use copylab_vm::{DisTarget, HostConfig, Program};

use crate::cli::DisArgs;
use crate::error::CliError;

pub(crate) fn dis(args: DisArgs) -> Result<u8, CliError> {
    if let [a, b] = args.diff[..] {
        let function = args.function.clone().unwrap_or_default();
        let text = diff_function(&function, a, b, &args)?;
        super::print_text(&text);
        return Ok(0);
    }
    let target = match (&args.code, &args.file, &args.function) {
        (Some(code), _, _) => source_target(Program::code(code)),
        (None, Some(file), _) => source_target(Program::file(file)?),
        (None, None, Some(function)) => DisTarget::Function(function.clone()),
        (None, None, None) => return Err(CliError::Usage("give a FILE, -c CODE or --function".into())),
    };
    let text = disassemble(args.copy.copy_source()?, target, false)?;
    super::print_text(&text);
    Ok(0)
}

fn source_target(program: Program) -> DisTarget {
    DisTarget::Source { source: program.source, filename: program.filename }
}

fn disassemble(copy: CopySource, target: DisTarget, relative_lines: bool) -> Result<String, CliError> {
    super::with_host(HostConfig::new(copy), move |host| Ok(host.disassemble(&target, relative_lines)?))
}

/// Each side runs in a fresh interpreter, so the two variants cannot see each other's modules.
fn diff_function(function: &str, a: &Variant, b: &Variant, args: &DisArgs) -> Result<String, CliError> {
    let side = |variant: &Variant| -> Result<String, CliError> {
        let copy = CopySource::variant(variant).with_defines(&args.copy.defines)?;
        disassemble(copy, DisTarget::Function(function.to_owned()), true)
    };
    let (left, right) = (side(a)?, side(b)?);
    let patch = diffy::DiffOptions::new()
        .set_original_filename(format!("{function} [{}]", a.name))
        .set_modified_filename(format!("{function} [{}]", b.name))
        .create_patch(&left, &right);
    if left == right {
        return Ok(format!("{function}: identical bytecode under {} and {}\n", a.name, b.name));
    }
    Ok(patch.to_string())
}
