//! Prints the memo-CAM block diagram: `cargo run -p cam-device --example diagram -- svg > cam.svg`.

use cam_device::{DiagramFormat, render};

fn main() {
    let format = std::env::args().nth(1).unwrap_or_else(|| String::from("svg"));
    match format.parse::<DiagramFormat>() {
        Ok(format) => print!("{}", render(format)),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    }
}
