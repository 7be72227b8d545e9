//! The pod's environment split in two: the reserved WASINET_* variables,
//! which ask for network grants (the CLI's flags, same syntax) and never
//! reach the guest, and everything else, which is the guest's environment.
//!
//!   WASINET_ALLOW_NET     --allow-net=VALUE     (`*`: everything)
//!   WASINET_DENY_NET      --deny-net=VALUE
//!   WASINET_ALLOW_LISTEN  --allow-listen=VALUE  (`*`: every address)
//!   WASINET_ALLOW_UNIX    --allow-unix=VALUE    (a path inside the container)
//!   WASINET_ALLOW_DNS     --allow-dns           (1 or true; 0 or false)
//!   WASINET_NET_POLICY    --net-policy=FILE     (a path inside the container,
//!                                                e.g. a mounted ConfigMap)
//!
//! Any other WASINET_* name is refused: a misspelt grant must not become a
//! guest variable that silently grants nothing.

/// The grants a pod asked for, as flag values.
#[derive(Debug, Default, PartialEq)]
pub struct PodPolicy {
    pub allow_net: Option<String>,
    pub deny_net: Option<String>,
    pub allow_listen: Option<String>,
    pub allow_unix: Option<String>,
    pub allow_dns: bool,
    pub net_policy: Option<String>,
}

#[derive(Debug, Default, PartialEq)]
pub struct PodEnv {
    /// "KEY=VALUE", in the pod's order, without the reserved variables.
    pub guest: Vec<String>,
    pub policy: PodPolicy,
}

const RESERVED_PREFIX: &str = "WASINET_";
const KNOWN: &str = "WASINET_ALLOW_NET, WASINET_DENY_NET, WASINET_ALLOW_LISTEN, \
                     WASINET_ALLOW_UNIX, WASINET_ALLOW_DNS, WASINET_NET_POLICY";

/// Splits the OCI process environment. A later definition of a reserved
/// variable replaces an earlier one (as a shell would). Err: one line
/// naming the variable at fault.
pub fn split(env: &[String]) -> Result<PodEnv, String> {
    let mut out = PodEnv::default();
    for entry in env {
        let (key, value) = entry.split_once('=').unwrap_or((entry.as_str(), ""));
        if !key.starts_with(RESERVED_PREFIX) {
            out.guest.push(entry.clone());
            continue;
        }
        let p = &mut out.policy;
        let value = value.to_string();
        match key {
            "WASINET_ALLOW_NET" => p.allow_net = Some(value),
            "WASINET_DENY_NET" => p.deny_net = Some(value),
            "WASINET_ALLOW_LISTEN" => p.allow_listen = Some(value),
            "WASINET_ALLOW_UNIX" => p.allow_unix = Some(value),
            "WASINET_NET_POLICY" => p.net_policy = Some(value),
            "WASINET_ALLOW_DNS" => {
                p.allow_dns = match value.as_str() {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => {
                        return Err(format!(
                            "WASINET_ALLOW_DNS={value}: expected 1, true, 0 or false"
                        ))
                    }
                }
            }
            _ => {
                return Err(format!(
                    "{key}: not a variable wasinet knows ({KNOWN}); names starting with \
                     {RESERVED_PREFIX} are reserved for the host and never reach the guest"
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reserved_variables_become_policy_and_leave_the_guest_env() {
        let got = split(&env(&[
            "PATH=/bin",
            "WASINET_ALLOW_NET=127.0.0.1:80,*.example.com:443",
            "GREETING=hi=there",
            "WASINET_DENY_NET=169.254.169.254",
            "WASINET_ALLOW_LISTEN=*",
            "WASINET_ALLOW_UNIX=/run/app.sock",
            "WASINET_ALLOW_DNS=true",
            "WASINET_NET_POLICY=/config/policy.toml",
        ]))
        .unwrap();
        assert_eq!(got.guest, env(&["PATH=/bin", "GREETING=hi=there"]));
        assert_eq!(
            got.policy,
            PodPolicy {
                allow_net: Some("127.0.0.1:80,*.example.com:443".into()),
                deny_net: Some("169.254.169.254".into()),
                allow_listen: Some("*".into()),
                allow_unix: Some("/run/app.sock".into()),
                allow_dns: true,
                net_policy: Some("/config/policy.toml".into()),
            }
        );
    }

    #[test]
    fn no_reserved_variable_means_no_grant() {
        let got = split(&env(&["A=1", "WASINETX=2", "wasinet_allow_net=*"])).unwrap();
        assert_eq!(
            got.guest,
            env(&["A=1", "WASINETX=2", "wasinet_allow_net=*"])
        );
        assert_eq!(got.policy, PodPolicy::default());
    }

    #[test]
    fn a_later_definition_wins_and_an_empty_value_is_kept_for_wasinet_to_refuse() {
        let got = split(&env(&[
            "WASINET_ALLOW_NET=*",
            "WASINET_ALLOW_NET=",
            "WASINET_ALLOW_DNS=1",
            "WASINET_ALLOW_DNS=0",
        ]))
        .unwrap();
        assert_eq!(got.policy.allow_net, Some(String::new()));
        assert!(!got.policy.allow_dns);
    }

    #[test]
    fn unknown_reserved_names_and_bad_booleans_are_refused() {
        let e = split(&env(&["WASINET_ALLOW_NETS=*"])).unwrap_err();
        assert!(
            e.starts_with("WASINET_ALLOW_NETS: not a variable wasinet knows"),
            "{e}"
        );
        let e = split(&env(&["WASINET_INSTANCE"])).unwrap_err();
        assert!(e.starts_with("WASINET_INSTANCE: not a variable"), "{e}");
        let e = split(&env(&["WASINET_ALLOW_DNS=yes"])).unwrap_err();
        assert_eq!(e, "WASINET_ALLOW_DNS=yes: expected 1, true, 0 or false");
    }
}
