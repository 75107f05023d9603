//! What the DNS test files share.

/// `dig` from Debian's bind9-dnsutils against `port` on loopback, without recursion.
pub fn dig(port: u16, args: &[&str]) -> String {
    let out = std::process::Command::new("dig")
        .args([
            "@127.0.0.1",
            "-p",
            &port.to_string(),
            "+norec",
            "+time=2",
            "+tries=1",
        ])
        .args(args)
        .output()
        .expect("dig (Debian's bind9-dnsutils) is needed; .ci/run installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
