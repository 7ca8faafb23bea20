//! Derivations per second next to the cost of one bare HMAC-SHA256, so the
//! overhead over the floor (5 HMACs) is visible.
//!
//!     cargo run --release --example bench
//!
//! Prints wall-clock figures for this machine; rerun to compare.

use hmac::{Hmac, KeyInit, Mac};
use ses_smtp_credentials::{SecretKey, derive_v4};
use sha2::Sha256;
use std::hint::black_box;
use std::time::Instant;

const N: u32 = 200_000;

fn per_op_ns(f: impl Fn(u32)) -> f64 {
    for i in 0..N / 10 {
        f(i); // warm-up
    }
    let start = Instant::now();
    for i in 0..N {
        f(i);
    }
    start.elapsed().as_nanos() as f64 / f64::from(N)
}

fn main() {
    let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let key = b"AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let hmac_ns = per_op_ns(|i| {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(black_box(key)).expect("HMAC takes a key of any length");
        mac.update(&i.to_le_bytes());
        black_box(mac.finalize().into_bytes());
    });
    let derive_ns = per_op_ns(|_| {
        black_box(derive_v4(black_box(&secret), black_box("eu-west-1")));
    });
    println!("one bare HMAC-SHA256:        {hmac_ns:8.1} ns");
    println!("floor (5 HMAC-SHA256):       {:8.1} ns", 5.0 * hmac_ns);
    println!(
        "one V4 derivation:           {derive_ns:8.1} ns  ({:.0} derivations/s)",
        1e9 / derive_ns
    );
    println!(
        "derivation / floor:          {:8.2}x",
        derive_ns / (5.0 * hmac_ns)
    );
}
