"""Uploads a file to Korrigo with the resumable protocol (as a school's script would: cookie
only), waits for processing, and reports the server's resident memory (sampled every 100 ms
from /proc) during each phase. Standard library only."""
import json, sys, threading, time, urllib.request

base, exam, path, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
CHUNK = 32 << 20
samples = {"phase": "start", "peak": {}}


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sampler():
    while samples["phase"] != "end":
        try:
            v = rss_mb()
        except OSError:
            return
        ph = samples["phase"]
        samples["peak"][ph] = max(samples["peak"].get(ph, 0.0), v)
        time.sleep(0.1)


for _ in range(100):
    try:
        urllib.request.urlopen(base + "/api/health/ready/")
        break
    except Exception:
        time.sleep(0.2)
threading.Thread(target=sampler, daemon=True).start()

req = urllib.request.Request(base + "/api/login/", method="POST",
                             data=json.dumps({"username": "admin", "password": "bench password 2026"}).encode(),
                             headers={"Content-Type": "application/json"})
resp = urllib.request.urlopen(req)
cookie = resp.headers["Set-Cookie"].split(";")[0]


def call(method, url, body=None, headers=None):
    h = {"Cookie": cookie}
    h.update(headers or {})
    r = urllib.request.Request(base + url, method=method, data=body, headers=h)
    with urllib.request.urlopen(r) as resp:
        return json.loads(resp.read() or b"null")


import os
size = os.path.getsize(path)
b = call("POST", f"/api/exams/{exam}/scans/", json.dumps({"file_name": os.path.basename(path), "size": size}).encode(),
         {"Content-Type": "application/json"})
samples["phase"] = "upload"
t = time.time()
offset = 0
with open(path, "rb") as f:
    while offset < size:
        f.seek(offset)
        data = f.read(CHUNK)
        b = call("PUT", b["upload_url"] if b.get("upload_url") else f"/api/scans/{b['id']}/content/", data,
                 {"Upload-Offset": str(offset), "Content-Type": "application/octet-stream"})
        offset = b["received"]
upload_s = time.time() - t
samples["phase"] = "processing"
t = time.time()
while True:
    b = call("GET", f"/api/scans/{b['id']}/")
    if b["status"] not in ("queued", "processing"):
        break
    time.sleep(0.5)
proc_s = time.time() - t
# Then every copy's header is read (one Tesseract engine per worker thread) and the exam matched.
samples["phase"] = "identification"
t = time.time()
while True:
    waiting = sum(call("GET", f"/api/jobs/?kind={k}&status={st}&per_page=1")["total"]
                  for k in ("identify.read", "identify.match") for st in ("queued", "running"))
    if waiting == 0:
        break
    time.sleep(0.5)
ident_s = time.time() - t
desk = call("GET", f"/api/exams/{exam}/identification/?filter=all")
samples["phase"] = "end"
print(f"file: {size >> 20} MB, {b['pages_total']} pages; status {b['status']} {b.get('error') or ''}")
print(f"upload: {upload_s:.1f} s ({(size >> 20) / upload_s:.0f} MB/s); processing: {proc_s:.1f} s "
      f"({b['pages_total'] / max(proc_s, 0.001):.0f} pages/s), {b['copies_made']} copies")
print(f"identification: {ident_s:.1f} s for {desk['total']} copies "
      f"({ident_s * 1000 / max(desk['total'], 1):.0f} ms per copy, all worker threads)")
for ph in ("start", "upload", "processing", "identification"):
    print(f"server resident memory, peak during {ph}: {samples['peak'].get(ph, 0):.0f} MB")
