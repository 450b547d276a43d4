#!/usr/bin/env python3
"""Page load times of the emulator's dashboard in headless Chromium, through chromedriver's
WebDriver API (Navigation Timing of each page, median of 5 after 2 warm-up loads).

    scripts/dashboard-timing.py http://127.0.0.1:8810 [chromedriver-port]

Start the emulator and fill it first (see populate-users.lua). Needs chromium and
chromium-driver (Debian packages)."""
import json, urllib.request, subprocess, time, sys
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9515
base = sys.argv[1]
drv = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1)
def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req))["value"]
try:
    s = call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}}}})
    sid = s["sessionId"]
    for path in ["/users", "/users?page=1000", "/users?q=p77777%40", "/"]:
        results = []
        for i in range(7):
            call("POST", f"/session/{sid}/url", {"url": base + path})
            t = call("POST", f"/session/{sid}/execute/sync", {"script": "const n = performance.getEntriesByType('navigation')[0]; return [n.responseStart - n.requestStart, n.responseEnd - n.startTime, n.domContentLoadedEventEnd - n.startTime, n.loadEventEnd - n.startTime];", "args": []})
            results.append(t)
        results = results[2:]  # warm
        def med(k): 
            v = sorted(r[k] for r in results); return v[len(v)//2]
        print(f"{path}: first byte {med(0):.1f} ms, response end {med(1):.1f} ms, DOMContentLoaded {med(2):.1f} ms, load {med(3):.1f} ms (median of 5)")
    call("DELETE", f"/session/{sid}")
finally:
    drv.kill()
