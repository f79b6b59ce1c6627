//! Properties of the balancing methods over random configurations.

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::net::IpAddr;
use tuitor::sim::nginx_upstream::{Method, RequestCtx, ServerConfig, Upstream, UpstreamConfig};

fn cfg(method: Method, weights: &[u32]) -> UpstreamConfig {
    UpstreamConfig {
        method,
        key: None,
        servers: weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mut s = ServerConfig::new(&format!("s{i}"), *w);
                s.addr = Some(format!("10.1.0.{i}:80"));
                s
            })
            .collect(),
    }
}

fn ctx(ip: IpAddr, uri: &str) -> RequestCtx {
    RequestCtx {
        ip,
        uri: uri.to_string(),
    }
}

proptest! {
    /// Smooth round robin: every cycle of total-weight picks gives each peer
    /// exactly its weight, and every current weight is back at 0.
    #[test]
    fn swrr_cycles(weights in prop::collection::vec(1u32..10, 1..7), cycles in 1usize..4) {
        let mut up = Upstream::new(&cfg(Method::RoundRobin, &weights), 0).expect("cfg");
        let total: u32 = weights.iter().sum();
        for _ in 0..cycles {
            let mut count: BTreeMap<String, u32> = BTreeMap::new();
            for _ in 0..total {
                let s = up.request(RequestCtx::default(), false).server.expect("served");
                *count.entry(s).or_insert(0) += 1;
            }
            for (i, w) in weights.iter().enumerate() {
                prop_assert_eq!(count.get(&format!("s{i}")).copied().unwrap_or(0), *w);
            }
            if weights.len() > 1 {
                prop_assert!(up.peers().all(|p| p.current_weight == 0));
            }
        }
    }

    /// least_conn with sequential requests behaves exactly like round robin.
    #[test]
    fn least_conn_sequential_is_swrr(weights in prop::collection::vec(1u32..8, 1..6), n in 1usize..40) {
        let mut a = Upstream::new(&cfg(Method::RoundRobin, &weights), 0).expect("cfg");
        let mut b = Upstream::new(&cfg(Method::LeastConn, &weights), 0).expect("cfg");
        for _ in 0..n {
            prop_assert_eq!(a.request(RequestCtx::default(), false).server, b.request(RequestCtx::default(), false).server);
        }
    }

    /// least_conn always picks a peer with minimal conns/weight.
    #[test]
    fn least_conn_picks_least_loaded(weights in prop::collection::vec(1u32..5, 2..6), holds in prop::collection::vec(any::<bool>(), 1..30)) {
        let mut up = Upstream::new(&cfg(Method::LeastConn, &weights), 0).expect("cfg");
        let mut held = Vec::new();
        for h in holds {
            let before: Vec<(String, f64)> = up.peers().map(|p| (p.name.clone(), f64::from(p.conns) / p.weight as f64)).collect();
            let min = before.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
            let s = up.request(RequestCtx::default(), true);
            let name = s.server.expect("served");
            let got = before.iter().find(|x| x.0 == name).expect("known").1;
            prop_assert!((got - min).abs() < 1e-9);
            held.push(s.id);
            if !h {
                let id = held.remove(0);
                up.release(id).expect("held");
            }
        }
    }

    /// ip_hash: the same client always gets the same peer, and taking one
    /// peer down moves only that peer's clients.
    #[test]
    fn ip_hash_stable_and_down_moves_only_its_clients(weights in prop::collection::vec(1u32..5, 2..6), victim in 0usize..6) {
        let victim = victim % weights.len();
        let mut up = Upstream::new(&cfg(Method::IpHash, &weights), 0).expect("cfg");
        let ips: Vec<IpAddr> = (0..64u8).map(|i| IpAddr::from([10, i / 8, i % 8, 1])).collect();
        let first: Vec<String> = ips.iter().map(|ip| up.request(ctx(*ip, "/"), false).server.expect("s")).collect();
        let again: Vec<String> = ips.iter().map(|ip| up.request(ctx(*ip, "/"), false).server.expect("s")).collect();
        prop_assert_eq!(&first, &again);
        let vname = format!("s{victim}");
        up.set_down(&vname, true).expect("down");
        for (ip, before) in ips.iter().zip(&first) {
            let after = up.request(ctx(*ip, "/"), false).server.expect("s");
            if *before != vname {
                prop_assert_eq!(&after, before);
            } else {
                prop_assert_ne!(&after, &vname);
            }
        }
    }

    /// Consistent hash: stable, and removing a peer moves only its keys.
    #[test]
    fn chash_remove_moves_only_its_keys(weights in prop::collection::vec(1u32..4, 2..6), victim in 0usize..6) {
        let victim = victim % weights.len();
        let mut c = cfg(Method::HashConsistent, &weights);
        c.key = Some("$request_uri".into());
        let mut up = Upstream::new(&c, 0).expect("cfg");
        let uris: Vec<String> = (0..80).map(|i| format!("/k/{i}")).collect();
        let first: Vec<String> = uris.iter().map(|u| up.request(ctx(IpAddr::from([1, 2, 3, 4]), u), false).server.expect("s")).collect();
        let vname = format!("s{victim}");
        up.remove_server(&vname).expect("remove");
        for (u, before) in uris.iter().zip(&first) {
            let after = up.request(ctx(IpAddr::from([1, 2, 3, 4]), u), false).server.expect("s");
            if *before != vname {
                prop_assert_eq!(&after, before);
            }
        }
    }

    /// Plain hash is a function of the key while nothing fails.
    #[test]
    fn hash_is_stable(weights in prop::collection::vec(1u32..5, 1..6), uris in prop::collection::vec("/[a-z0-9]{0,8}", 1..20)) {
        let mut up = Upstream::new(&cfg(Method::Hash, &weights), 0).expect("cfg");
        for u in &uris {
            let a = up.request(ctx(IpAddr::from([1, 1, 1, 1]), u), false).server;
            let b = up.request(ctx(IpAddr::from([2, 2, 2, 2]), u), false).server;
            prop_assert_eq!(a, b);
        }
    }
}
