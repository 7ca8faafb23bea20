//! Memory residue: after the library has parsed a secret, derived and
//! rendered passwords (and after a panic in the middle), no freed heap block
//! still holds a piece of the secret or of a password.
//!
//! A global allocator wraps the system one and, on every free, scans the
//! block for 16-byte pieces of the canaries before handing it back. Secrets
//! kept in zeroizing buffers are wiped before they are freed, so a hit means
//! an unwiped copy: a reallocation, a temporary String, a forgotten buffer.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ses_smtp_credentials::region;
use ses_smtp_credentials::verify;
use ses_smtp_credentials::{Derived, Format};
use ses_smtp_credentials::{SecretKey, Version, derive};
use ses_smtp_credentials::{SecretPolicy, parse_input};
use zeroize::Zeroizing;

const SECRET: &[u8; 40] = b"Hq7Zr2Wm9Kx4Tn6Vb1Pc8Ld3Fs5Gy0Ju+Ae/Oi9N";
/// V4 password of SECRET for us-east-1 (python3 hmac).
const PASSWORD: &[u8; 44] = b"BN01ZTMO2jd9nzETR4o0aOzLCjQNVRubk7jccyxPo1DV";
const PIECE: usize = 16;

static ARMED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicUsize = AtomicUsize::new(0);
/// One test at a time: the allocator is global.
static SERIAL: Mutex<()> = Mutex::new(());

/// Whether `block` holds any 16-byte piece of `needle`. A first-byte table
/// keeps the scan of large blocks fast.
fn holds_piece(block: &[u8], needle: &[u8]) -> bool {
    let mut first = [false; 256];
    for piece in needle.windows(PIECE) {
        first[piece[0] as usize] = true;
    }
    block
        .windows(PIECE)
        .any(|w| first[w[0] as usize] && needle.windows(PIECE).any(|piece| piece == w))
}

struct Scanning;

// SAFETY: every call is passed on to the system allocator with the caller's
// own layout and pointer; the scan only reads a block before it is freed.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout, as GlobalAlloc::alloc requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && layout.size() >= PIECE {
            // SAFETY: the block is still ours until System.dealloc below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_piece(block, SECRET) || holds_piece(block, PASSWORD) {
                HITS.fetch_add(1, Ordering::SeqCst);
            }
        }
        // Zero every freed block, so that stale bytes recycled by malloc into
        // another test's allocation are never mistaken for its residue.
        // SAFETY: `ptr` is a live block of `layout.size()` bytes from this
        // allocator, freed exactly once here.
        unsafe {
            std::ptr::write_bytes(ptr, 0, layout.size());
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Route through alloc + copy + dealloc, so the old block is scanned.
        // SAFETY: the alignment is the old layout's (a valid one), and
        // GlobalAlloc::realloc guarantees `new_size` fits it.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero layout, as realloc's contract guarantees.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live and distinct; the copy stays
            // within the smaller one; the old block is freed once.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

/// Runs `f` with the scanner armed and returns how many freed blocks held a
/// piece of the secret or password.
fn residue(f: impl FnOnce()) -> usize {
    let _guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

/// Builds an input in a zeroizing buffer, sized up front.
fn input(parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(parts.iter().map(|p| p.len()).sum()));
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

fn full_cycle(bytes: &[u8]) {
    let creds = parse_input(bytes, SecretPolicy::default()).expect("parses");
    assert_eq!(creds.secret.expose(), SECRET);
    let r = region::resolve("us-east-1", false).unwrap();
    let username = creds
        .access_key_id
        .clone()
        .or_else(|| ses_smtp_credentials::parse_access_key_id("AKIAIOSFODNN7EXAMPLE").ok());
    let items = vec![Derived::new(
        username,
        derive(&creds.secret, Version::V4, &r.code),
        r,
        Version::V4,
    )];
    assert_eq!(items[0].password.expose().as_bytes(), PASSWORD);
    for format in [
        Format::Text,
        Format::Json,
        Format::Env,
        Format::Password,
        Format::SmtpUrl,
        Format::Postfix,
    ] {
        let out = format.render(&items, "test").expect("renders");
        assert!(!out.as_bytes().is_empty());
    }
    assert!(verify(&creds.secret, PASSWORD, Some("eu-west-1")).version() == Some(4));
}

#[test]
fn the_scanner_sees_an_unwiped_copy() {
    // Guards the tests below: a plain Vec copy must be caught.
    let hits = residue(|| {
        let copy = SECRET.to_vec();
        drop(copy);
    });
    assert!(hits >= 1, "the scanner missed a plain copy");
}

#[test]
fn raw_secret_leaves_no_residue() {
    let bytes = input(&[b"  ", SECRET, b"\r\n"]);
    assert_eq!(residue(|| full_cycle(&bytes)), 0);
}

#[test]
fn create_access_key_json_leaves_no_residue() {
    let bytes = input(&[
        br#"{"AccessKey": {"UserName": "smtp", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active", "SecretAccessKey": ""#,
        SECRET,
        br#"", "CreateDate": "2026-11-26T10:00:00+00:00"}}"#,
    ]);
    assert_eq!(residue(|| full_cycle(&bytes)), 0);
}

#[test]
fn console_csv_leaves_no_residue() {
    let bytes = input(&[
        b"\xEF\xBB\xBFAccess key ID,Secret access key\r\nAKIAIOSFODNN7EXAMPLE,",
        SECRET,
        b"\r\n",
    ]);
    assert_eq!(residue(|| full_cycle(&bytes)), 0);
}

#[test]
fn rejected_input_leaves_no_residue() {
    let bytes = input(&[SECRET, b"\n", SECRET, b"\n"]);
    let hits = residue(|| {
        let err = parse_input(&bytes, SecretPolicy::default()).unwrap_err();
        let _message = err.to_string();
    });
    assert_eq!(hits, 0);
}

#[test]
fn a_panic_midway_still_wipes() {
    let bytes = input(&[SECRET]);
    let hits = residue(|| {
        let result = std::panic::catch_unwind(|| {
            let creds = parse_input(&bytes, SecretPolicy::default()).unwrap();
            let _password = derive(&creds.secret, Version::V4, "us-east-1");
            let _key = SecretKey::from_bytes(creds.secret.expose());
            panic!("unwinding with secrets alive");
        });
        assert!(result.is_err());
    });
    assert_eq!(hits, 0);
}

#[test]
fn profile_parsing_leaves_no_residue() {
    // The profile parser borrows the file's text and copies each value
    // once, into a zeroizing buffer of exactly its size.
    let text = input(&[
        b"[profile x]\nregion = eu-west-1\n[smtp]\nAWS_ACCESS_KEY_ID = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ",
        SECRET,
        b" # a comment\n[smtp]\nregion = us-east-1\n",
    ]);
    let text = std::str::from_utf8(&text).unwrap();
    let hits = residue(|| {
        let c = ses_smtp_credentials::profile::credentials(
            Some(text),
            None,
            "smtp",
            SecretPolicy::default(),
        )
        .unwrap();
        assert_eq!(c.secret.expose(), SECRET);
    });
    assert_eq!(hits, 0, "profile parsing left {hits} unwiped copies");
}
