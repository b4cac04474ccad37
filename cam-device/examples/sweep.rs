//! Sweeps a synthetic deepcopy trace over CAM capacities and prices the default one:
//! `cargo run -p cam-device --example sweep -- [lists] [atoms_per_list] [memo_share]`.

use cam_device::{CamConfig, CostModel, Trace, render_sweep, replay, sweep};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let lists: usize = args.next().map_or(Ok(2000), |text| text.parse())?;
    let atoms: usize = args.next().map_or(Ok(4), |text| text.parse())?;
    let memo_share: f64 = args.next().map_or(Ok(0.3), |text| text.parse())?;

    let trace = Trace::deepcopy_like(lists, atoms);
    let config = CamConfig::default();
    let points = sweep(&trace, &config, &[16, 64, 256, 1024, 4096])?;
    print!("{}", render_sweep(&points));

    let stats = replay(&trace, &config)?;
    print!("\n{}\n{}", stats.render_table(), CostModel::new(&config, memo_share)?.report(&stats).render_table());
    Ok(())
}
