use copylab_stdlib_copy::CopySource;
use copylab_vm::{AstOptions, HostConfig, Program};

use crate::cli::AstArgs;
use crate::error::CliError;

pub(crate) fn ast(args: AstArgs) -> Result<u8, CliError> {
    let program = match (&args.code, &args.file) {
        (Some(code), _) => Program::code(code),
        (None, Some(file)) => Program::file(file)?,
        (None, None) => return Err(CliError::Usage("give a FILE or -c CODE".into())),
    };
    let options = AstOptions { indent: args.indent, include_attributes: args.attributes };
    let config = HostConfig::new(CopySource::variant(copylab_stdlib_copy::baseline()));
    let text = super::with_host(config, move |host| Ok(host.dump_ast(&program.source, &program.filename, options)?))?;
    super::print_text(&text);
    Ok(0)
}
