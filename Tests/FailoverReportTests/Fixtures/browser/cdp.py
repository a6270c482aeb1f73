"""Drives headless Chromium over the DevTools protocol for the browser tests.

Usage: python3 cdp.py CHROMIUM < cases.json > results.json

cases.json is a list of cases; each opens one page in a fresh tab and evaluates expressions:
  {"url": "file:///…/index.html", "width": 390, "height": 800, "media": "print" or "",
   "colorScheme": "dark" or "light", "javascript": true, "bypassCSP": false,
   "scripts": ["source run before the expressions"], "evaluate": ["expression", …]}
The result is one list per case: each expression's value (promises awaited), or
{"error": "…"} when it threw. Needs websocket-client (PyPI).
"""
import json
import re
import subprocess
import sys
import tempfile

import websocket


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.TemporaryDirectory()
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--no-first-run", "--user-data-dir=" + self.profile.name,
             "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        address = None
        for line in self.process.stderr:
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                address = found.group(1)
                break
        if address is None:
            raise SystemExit("Chromium did not start its DevTools endpoint")
        self.socket = websocket.create_connection(address, timeout=120)
        self.next_id = 0

    def send(self, method, params=None, session=None, wait_event=None):
        """Sends a command and returns its result; with wait_event, also waits for that
        event of the session (sent before the command, so it cannot be missed)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        result = None
        got_event = wait_event is None
        while result is None or not got_event:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(method + ": " + reply["error"].get("message", ""))
                result = reply.get("result", {})
            elif wait_event and reply.get("method") == wait_event \
                    and reply.get("sessionId") == session:
                got_event = True
        return result

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        self.process.wait(timeout=30)
        self.profile.cleanup()


def run_case(browser, case):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Page.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": case.get("width", 1280), "height": case.get("height", 900),
                  "deviceScaleFactor": 1, "mobile": False}, session=session)
    features = [{"name": "prefers-color-scheme", "value": case.get("colorScheme", "light")}]
    browser.send("Emulation.setEmulatedMedia",
                 {"media": case.get("media", ""), "features": features}, session=session)
    if not case.get("javascript", True):
        browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
    if case.get("bypassCSP"):
        browser.send("Page.setBypassCSP", {"enabled": True}, session=session)
    browser.send("Page.navigate", {"url": case["url"]}, session=session,
                 wait_event="Page.loadEventFired")
    for source in case.get("scripts", []):
        browser.send("Runtime.evaluate", {"expression": source}, session=session)
    values = []
    for expression in case.get("evaluate", []):
        reply = browser.send("Runtime.evaluate",
                             {"expression": expression, "returnByValue": True,
                              "awaitPromise": True}, session=session)
        if "exceptionDetails" in reply:
            values.append({"error": reply["exceptionDetails"].get("text", "")
                           + " " + json.dumps(reply["exceptionDetails"].get("exception", {}))})
        else:
            values.append(reply.get("result", {}).get("value"))
    browser.send("Target.closeTarget", {"targetId": target})
    return values


def main():
    cases = json.load(sys.stdin)
    browser = Browser(sys.argv[1])
    try:
        json.dump([run_case(browser, case) for case in cases], sys.stdout)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
