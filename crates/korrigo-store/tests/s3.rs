//! The S3 file store against a real S3-compatible server (moto's server mode, started on
//! loopback by each test): what the local folder does, the S3 store does the same.

use korrigo_store::files::FileStore;
use korrigo_store::test_support::TestS3;
use sha2::{Digest, Sha256};

fn pseudo_random(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn sha(b: &[u8]) -> Vec<u8> {
    Sha256::digest(b).to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_round_trip_through_a_bucket() {
    let s3 = TestS3::start();
    let fs = FileStore::s3(&s3.config).unwrap();
    fs.check().await.unwrap();

    fs.put("exams/1/a.txt", b"hello").await.unwrap();
    assert_eq!(
        fs.get("exams/1/a.txt").await.unwrap().as_deref(),
        Some(&b"hello"[..])
    );
    assert_eq!(fs.size("exams/1/a.txt").await.unwrap(), Some(5));
    assert!(fs.get("exams/1/missing").await.unwrap().is_none());
    assert!(fs.open("exams/1/missing").await.unwrap().is_none());
    assert!(fs.get("../etc/passwd").await.is_err(), "keys stay relative");

    // 20 MiB streamed: written in 8 MiB parts (a multipart upload), read back identical.
    let big = pseudo_random(20 << 20, 7);
    let n = fs.put_stream("exams/1/big.pdf", &big[..]).await.unwrap();
    assert_eq!(n, big.len() as u64);
    let (mut r, len) = fs.open("exams/1/big.pdf").await.unwrap().unwrap();
    assert_eq!(len, big.len() as u64);
    let mut back = vec![];
    tokio::io::AsyncReadExt::read_to_end(&mut r, &mut back)
        .await
        .unwrap();
    assert_eq!(sha(&back), sha(&big));

    // Blocking callers (the scan pipeline's threads, the ZIP writer) reach it too.
    let fs2 = fs.clone();
    let read = tokio::task::spawn_blocking(move || {
        fs2.put_blocking("exams/1/p000001-v.jpg", b"jpeg").unwrap();
        let mut out = vec![];
        std::io::Read::read_to_end(&mut fs2.open_blocking("exams/1/big.pdf").unwrap(), &mut out)
            .unwrap();
        out
    })
    .await
    .unwrap();
    assert_eq!(sha(&read), sha(&big));

    // A local copy for readers that need a file on disk, removed when dropped.
    let tmp = std::env::temp_dir().join(format!("korrigo-s3-{}", std::process::id()));
    let copy = fs.local_copy("exams/1/big.pdf", &tmp).await.unwrap();
    assert_eq!(sha(&std::fs::read(copy.path()).unwrap()), sha(&big));
    let path = copy.path().to_path_buf();
    drop(copy);
    assert!(!path.exists());

    let listed = fs.list("exams/1/").await.unwrap();
    assert_eq!(
        listed,
        vec![
            ("exams/1/a.txt".to_string(), 5),
            ("exams/1/big.pdf".to_string(), big.len() as u64),
            ("exams/1/p000001-v.jpg".to_string(), 4),
        ]
    );
    assert!(fs.delete("exams/1/a.txt").await.unwrap());
    assert!(!fs.delete("exams/1/a.txt").await.unwrap());
    fs.put("exams/2/keep.txt", b"k").await.unwrap();
    fs.delete_prefix("exams/1").await.unwrap();
    assert!(fs.list("exams/1/").await.unwrap().is_empty());
    assert_eq!(
        fs.list("").await.unwrap().len(),
        1,
        "another exam's file stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumable_upload_continues_on_another_instance() {
    let s3 = TestS3::start();
    // Two connections to the bucket, as two `serve` instances behind a load balancer.
    let a = FileStore::s3(&s3.config).unwrap();
    let b = FileStore::s3(&s3.config).unwrap();
    let data = pseudo_random(12 << 20, 3);
    let key = "exams/4/batches/x/source";
    let (one, two, three) = (&data[..5 << 20], &data[5 << 20..9 << 20], &data[9 << 20..]);

    assert_eq!(a.append(key, 0, one, 64 << 20).await.unwrap(), 5 << 20);
    // An interrupted attempt at the next chunk left half of it; the retry (through the other
    // instance) cuts it and writes the chunk whole.
    b.append(key, 5 << 20, &two[..1000], 64 << 20)
        .await
        .unwrap();
    assert_eq!(
        b.append(key, 5 << 20, two, 64 << 20).await.unwrap(),
        9 << 20
    );
    // A chunk larger than allowed is refused and nothing of it is kept.
    let err = a.append(key, 9 << 20, three, 1 << 20).await.unwrap_err();
    assert!(err.to_string().contains("larger than allowed"), "{err}");
    // An offset the store does not have is refused.
    let err = a.append(key, 10 << 20, three, 64 << 20).await.unwrap_err();
    assert!(err.to_string().contains("not the offset"), "{err}");
    assert_eq!(
        a.append(key, 9 << 20, three, 64 << 20).await.unwrap(),
        data.len() as u64
    );

    b.finish_upload(key).await.unwrap();
    let whole = a.get(key).await.unwrap().unwrap();
    assert_eq!(sha(&whole), sha(&data), "the assembled file is the upload");
    assert_eq!(
        a.list("exams/4/").await.unwrap(),
        vec![(key.to_string(), data.len() as u64)],
        "the chunks are gone once assembled"
    );
    // Assembling again (a retried job) changes nothing.
    a.finish_upload(key).await.unwrap();
    assert_eq!(sha(&a.get(key).await.unwrap().unwrap()), sha(&data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_named_in_the_error() {
    let s3 = TestS3::start();
    let mut config = s3.config.clone();
    config.bucket = "no-such-bucket".into();
    let fs = FileStore::s3(&config).unwrap();
    let err = fs.check().await.unwrap_err().to_string();
    assert!(
        err.contains("the bucket `no-such-bucket` does not exist"),
        "{err}"
    );

    let mut config = s3.config.clone();
    config.endpoint = "http://127.0.0.1:9".into();
    let fs = FileStore::s3(&config).unwrap();
    let err = fs.check().await.unwrap_err().to_string();
    assert!(err.contains("cannot reach the S3 endpoint"), "{err}");
}
