//! wasmedge_hyper: an HTTP server and client on tokio_wasi and hyper_wasi,
//! which reach the network through WasmEdge's socket extension.
//!
//!   wasmedge_hyper serve ADDR N   listen on ADDR, print "listening A", serve
//!                                 N connections (one request each is
//!                                 enough), print "served N"
//!   wasmedge_hyper get URL        GET URL (an IP literal host), print
//!                                 "status S" and "body B"
use hyper::server::conn::Http;
use hyper::service::service_fn;
use hyper::{Body, Client, Request, Response};
use tokio::net::TcpListener;

async fn hello(req: Request<Body>) -> Result<Response<Body>, hyper::Error> {
    let text = format!("hello {} from hyper_wasi", req.uri().path());
    Ok(Response::new(Body::from(text)))
}

async fn serve(addr: &str, n: usize) {
    let listener = TcpListener::bind(addr).await.expect("bind");
    println!("listening {}", listener.local_addr().expect("local address"));
    for _ in 0..n {
        let (stream, _) = listener.accept().await.expect("accept");
        Http::new()
            .serve_connection(stream, service_fn(hello))
            .await
            .expect("serve");
    }
    println!("served {}", n);
}

async fn get(url: &str) {
    let client = Client::new();
    let resp = client.get(url.parse().expect("url")).await.expect("get");
    println!("status {}", resp.status().as_u16());
    let body = hyper::body::to_bytes(resp.into_body()).await.expect("body");
    println!("body {}", String::from_utf8_lossy(&body));
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") if args.len() == 4 => serve(&args[2], args[3].parse().expect("count")).await,
        Some("get") if args.len() == 3 => get(&args[2]).await,
        _ => {
            eprintln!("usage: wasmedge_hyper serve ADDR N | get URL");
            std::process::exit(2);
        }
    }
}
