//! CPython's command line, for the hosted interpreter.
//!
//! `copylab run` hands everything after its own options to [`parse`], and so does every child
//! interpreter a hosted program starts through `sys.executable` (pyperf's workers,
//! `subprocess`, `multiprocessing`'s spawn), so those programs see the `python` they expect:
//!
//! ```text
//! [option] ... (-c CODE | -m MODULE | SCRIPT | -) [ARG] ...
//! ```
//!
//! The options are CPython's, with these meanings in copylab:
//!
//! | option | meaning |
//! |---|---|
//! | `-c CODE`, `-m MODULE`, `SCRIPT`, `-` | the program, as in CPython; ends the options |
//! | `-u` | unbuffered stdout and stderr |
//! | `-B` | accepted: copylab never writes `__pycache__` |
//! | `-E` | ignore `PYTHONPATH` (the only `PYTHON*` variable copylab reads) |
//! | `-s`, `-S` | accepted: copylab imports no `site` and has no user site directory |
//! | `-I` | isolated: `-E`, `-s`, and the script's directory is not put on `sys.path` |
//! | `-P` | the script's (or current) directory is not put on `sys.path` |
//! | `-O`, `-OO` | `sys.flags.optimize` (asserts still run: RustPython 0.6 compiles them) |
//! | `-X OPT[=VALUE]` | `sys._xoptions` |
//! | `-W ARG` | `sys.warnoptions` |
//! | `-b`, `-d`, `-q`, `-R`, `-v` | `sys.flags` as in CPython (`-R` is the default) |
//! | `-h`, `--help`, `-V`, `--version` | usage, or the Python version |
//!
//! `-i` and an interactive prompt do not exist in copylab: they are errors that say so.

use std::ffi::OsString;

use lexopt::Arg::{Long, Short, Value};

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// Run a program.
    Run(CommandLine),
    /// `-h` / `--help`: print [`USAGE`].
    Help,
    /// `-V` / `--version`: print the Python version.
    Version,
}

/// A program to run as `__main__`, its `sys.argv`, and the interpreter flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub main: MainProgram,
    /// `sys.argv`: `-c`, `-m`'s module (runpy replaces it with the path), the script, or `-`,
    /// then the program's own arguments.
    pub argv: Vec<String>,
    pub flags: InterpreterFlags,
}

/// Where `__main__` comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MainProgram {
    Script(String),
    Code(String),
    Module(String),
    Stdin,
}

/// CPython's interpreter options, as far as they mean something to copylab's host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterpreterFlags {
    pub unbuffered: bool,
    pub ignore_environment: bool,
    pub isolated: bool,
    pub safe_path: bool,
    pub no_site: bool,
    pub no_user_site: bool,
    pub optimize: u8,
    pub verbose: u8,
    pub debug: u8,
    pub bytes_warning: u8,
    pub quiet: bool,
    /// `-W` arguments, in order.
    pub warnoptions: Vec<String>,
    /// `-X` options: name and optional value.
    pub xoptions: Vec<(String, Option<String>)>,
}

impl InterpreterFlags {
    /// Whether `PYTHONPATH` is read (not under `-E` or `-I`).
    #[must_use]
    pub fn reads_environment(&self) -> bool {
        !(self.ignore_environment || self.isolated)
    }

    /// Whether the script's directory (or the current one) goes first on `sys.path`.
    #[must_use]
    pub fn prepends_program_directory(&self) -> bool {
        !(self.safe_path || self.isolated)
    }
}

/// What [`parse`] refuses; the message says what to type instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CommandLineError {
    #[error("unknown option {0}; see `copylab run -- --help` for the options a hosted python takes")]
    UnknownOption(String),
    #[error("option {0} needs a value")]
    MissingValue(String),
    #[error("argument is not valid UTF-8: {0:?}")]
    NotUtf8(OsString),
    #[error("copylab has no interactive prompt (-i); give a SCRIPT, -c CODE, -m MODULE or - to read standard input")]
    Interactive,
    #[error("give a SCRIPT, -c CODE, -m MODULE, or - to read standard input (copylab has no interactive prompt)")]
    NoProgram,
}

/// The usage text printed for `-h`.
pub const USAGE: &str = "\
usage: copylab run [COPYLAB OPTIONS] [--] [option] ... (-c cmd | -m mod | file | -) [arg] ...
Options, as CPython's (see the module docs of copylab_vm::command_line for what each means here):
-b, -B, -d, -E, -h, -I, -O, -OO, -P, -q, -R, -s, -S, -u, -v, -V, -W arg, -X opt
-c cmd : program passed in as string (terminates option list)
-m mod : run library module as a script (terminates option list)
file   : program read from script file
-      : program read from stdin
arg ...: arguments passed to program in sys.argv[1:]
";

/// What `-V` prints: the Python version the hosted interpreter implements, as CPython does.
#[must_use]
pub fn version_line() -> String {
    use rustpython_vm::version::{MAJOR, MICRO, MINOR};
    format!("Python {MAJOR}.{MINOR}.{MICRO}")
}

/// Parses CPython's command line (without the executable name).
pub fn parse<I, S>(args: I) -> Result<Invocation, CommandLineError>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let mut parser = lexopt::Parser::from_args(args);
    let mut flags = InterpreterFlags::default();
    loop {
        let arg = parser.next().map_err(|err| parse_error(&err))?;
        let Some(arg) = arg else { return Err(CommandLineError::NoProgram) };
        let main = match arg {
            Short('c') => MainProgram::Code(value(&mut parser, "-c")?),
            Short('m') => MainProgram::Module(value(&mut parser, "-m")?),
            Value(program) => {
                let program = utf8(program)?;
                if program == "-" { MainProgram::Stdin } else { MainProgram::Script(program) }
            }
            Short('u') => {
                flags.unbuffered = true;
                continue;
            }
            Short('E') => {
                flags.ignore_environment = true;
                continue;
            }
            Short('I') => {
                flags.isolated = true;
                continue;
            }
            Short('P') => {
                flags.safe_path = true;
                continue;
            }
            Short('s') => {
                flags.no_user_site = true;
                continue;
            }
            Short('S') => {
                flags.no_site = true;
                continue;
            }
            Short('O') => {
                flags.optimize = flags.optimize.saturating_add(1);
                continue;
            }
            Short('v') => {
                flags.verbose = flags.verbose.saturating_add(1);
                continue;
            }
            Short('d') => {
                flags.debug = flags.debug.saturating_add(1);
                continue;
            }
            Short('b') => {
                flags.bytes_warning = flags.bytes_warning.saturating_add(1);
                continue;
            }
            Short('q') => {
                flags.quiet = true;
                continue;
            }
            // -B: copylab never writes bytecode; -R: hash randomization is always on.
            Short('B' | 'R') => continue,
            Short('W') => {
                flags.warnoptions.push(value(&mut parser, "-W")?);
                continue;
            }
            Short('X') => {
                let option = value(&mut parser, "-X")?;
                flags.xoptions.push(match option.split_once('=') {
                    Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
                    None => (option, None),
                });
                continue;
            }
            Short('h' | '?') | Long("help") => return Ok(Invocation::Help),
            Short('V') | Long("version") => return Ok(Invocation::Version),
            Short('i') => return Err(CommandLineError::Interactive),
            Short(other) => return Err(CommandLineError::UnknownOption(format!("-{other}"))),
            Long(other) => return Err(CommandLineError::UnknownOption(format!("--{other}"))),
        };
        let argv0 = match &main {
            MainProgram::Code(_) => "-c".to_owned(),
            MainProgram::Module(name) => name.clone(),
            MainProgram::Script(path) => path.clone(),
            MainProgram::Stdin => "-".to_owned(),
        };
        let rest = parser.raw_args().map_err(|err| parse_error(&err))?;
        let argv = std::iter::once(Ok(argv0)).chain(rest.map(utf8)).collect::<Result<_, _>>()?;
        return Ok(Invocation::Run(CommandLine { main, argv, flags }));
    }
}

fn value(parser: &mut lexopt::Parser, option: &str) -> Result<String, CommandLineError> {
    let value = parser.value().map_err(|_| CommandLineError::MissingValue(option.to_owned()))?;
    utf8(value)
}

fn utf8(value: OsString) -> Result<String, CommandLineError> {
    value.into_string().map_err(CommandLineError::NotUtf8)
}

fn parse_error(err: &lexopt::Error) -> CommandLineError {
    match err {
        lexopt::Error::MissingValue { option } => {
            CommandLineError::MissingValue(option.clone().unwrap_or_else(|| "an option".to_owned()))
        }
        lexopt::Error::NonUnicodeValue(value) => CommandLineError::NotUtf8(value.clone()),
        other => CommandLineError::UnknownOption(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> CommandLine {
        match parse(args.iter().copied()) {
            Ok(Invocation::Run(command_line)) => command_line,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn program_ends_the_options_and_starts_argv() {
        let script = run(&["-u", "bench.py", "--worker", "-c", "x"]);
        assert_eq!(script.main, MainProgram::Script("bench.py".into()));
        assert_eq!(script.argv, ["bench.py", "--worker", "-c", "x"]);
        assert!(script.flags.unbuffered);

        let code = run(&["-c", "print(1)", "a", "-m"]);
        assert_eq!(code.main, MainProgram::Code("print(1)".into()));
        assert_eq!(code.argv, ["-c", "a", "-m"]);

        let module = run(&["-m", "pyperf", "timeit", "-s", "x"]);
        assert_eq!(module.main, MainProgram::Module("pyperf".into()));
        assert_eq!(module.argv, ["pyperf", "timeit", "-s", "x"]);

        assert_eq!(run(&["-", "a"]).main, MainProgram::Stdin);
        assert_eq!(run(&["--", "-script.py"]).main, MainProgram::Script("-script.py".into()));
    }

    #[test]
    fn combined_and_attached_options_parse_as_in_cpython() {
        let line = run(&["-uBEc", "pass"]);
        assert_eq!(line.main, MainProgram::Code("pass".into()));
        assert!(line.flags.unbuffered && line.flags.ignore_environment);

        let line = run(&[
            "-OO",
            "-Wignore",
            "-W",
            "error::DeprecationWarning",
            "-Xdev",
            "-X",
            "int_max_str_digits=0",
            "-Im",
            "m",
        ]);
        assert_eq!(line.flags.optimize, 2);
        assert_eq!(line.flags.warnoptions, ["ignore", "error::DeprecationWarning"]);
        assert_eq!(
            line.flags.xoptions,
            [("dev".to_owned(), None), ("int_max_str_digits".to_owned(), Some("0".to_owned()))]
        );
        assert!(!line.flags.reads_environment() && !line.flags.prepends_program_directory());
    }

    #[test]
    fn bad_command_lines_say_what_to_do() {
        assert_eq!(parse(["-Z"]), Err(CommandLineError::UnknownOption("-Z".into())));
        assert_eq!(parse(["--frobnicate"]), Err(CommandLineError::UnknownOption("--frobnicate".into())));
        assert_eq!(parse(["-c"]), Err(CommandLineError::MissingValue("-c".into())));
        assert_eq!(parse(["-u"]), Err(CommandLineError::NoProgram));
        assert_eq!(parse(Vec::<String>::new()), Err(CommandLineError::NoProgram));
        assert_eq!(parse(["-i", "x.py"]), Err(CommandLineError::Interactive));
        assert_eq!(parse(["-V"]), Ok(Invocation::Version));
        assert_eq!(parse(["--help"]), Ok(Invocation::Help));
    }
}
