"""Opens a page in Debian's headless chromium and drives it through the DevTools protocol,
for tests/common/browser.rs: the browser itself reports every console message and uncaught
exception of the page and of its frames, the page is measured by an expression evaluated in
it (the page is not modified), and the screenshot is the browser's own capture.

The protocol runs over --remote-debugging-pipe: chromium reads commands from fd 3 and writes
replies and events to fd 4, each a JSON message ended by a NUL byte. A pipe needs no port, no
websocket and no package beyond the standard library.

    python3 devtools.py PAGE.html SCREENSHOT.png MEASURE_JS

prints one JSON object: {"measured": <the expression's value>, "console": [messages]}.
Exit status 0 unless the browser could not be driven (the reason on stderr).
"""

import base64
import fcntl
import json
import os
import select
import subprocess
import sys
import tempfile
import time

TIMEOUT_SECONDS = 120
WIDTH, HEIGHT = 1400, 2000


class Browser:
    def __init__(self, profile_dir):
        # The child reads commands on fd 3 and writes messages on fd 4.
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()

        def place_pipes():
            # Out of the way first, so that placing one cannot overwrite the other.
            reading = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            writing = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        # A file, not a pipe: chromium's log must never fill a pipe nobody reads.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile_dir}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            preexec_fn=place_pipes,
            # Kept open in the child (close_fds runs after place_pipes).
            pass_fds=(3, 4),
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT_SECONDS

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.next_id

    def receive(self):
        """The next message from the browser."""
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"chromium did not answer within {TIMEOUT_SECONDS} s")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise ConnectionError("chromium closed the DevTools pipe")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None):
        """Sends a command and returns its result; events that arrive meanwhile are kept."""
        wanted = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, session):
        for index, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(index)
        while True:
            message = self.receive()
            if message.get("method") == method and message.get("sessionId") == session:
                return message
            self.events.append(message)

    def close(self):
        try:
            self.send("Browser.close")
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
            self.process.wait()


def watch(browser, session):
    """Has the browser report the console and errors of `session`'s target, and attach to
    the frames it runs in other processes so that theirs are reported too."""
    browser.call("Runtime.enable", session=session)
    browser.call("Log.enable", session=session)
    browser.call(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": True},
        session=session,
    )


def console_messages(browser):
    """Every console call, uncaught exception and error log entry among the events (and
    watches frames attached meanwhile)."""
    messages = []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Target.attachedToTarget":
            watch(browser, params["sessionId"])
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            messages.append(f"console.{params.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            messages.append(f"uncaught: {description}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                messages.append(f"log {entry.get('source')}: {entry.get('text')} ({entry.get('url', '')})")
    return messages


def main():
    page, screenshot, measure = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as profile_dir:
        try:
            browser = Browser(profile_dir)
        except OSError as err:
            sys.exit(f"cannot run chromium ({err}): the browser tests need Debian's chromium; run `apt-get install chromium` (bash .ci/run does)")
        try:
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            watch(browser, session)
            browser.call("Page.enable", session=session)
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            browser.call("Page.navigate", {"url": "file://" + os.path.abspath(page)}, session=session)
            browser.wait_for("Page.loadEventFired", session)
            # Late console calls of scripts run on load, and frames attached meanwhile.
            time.sleep(0.5)
            browser.call("Runtime.evaluate", {"expression": "0"}, session=session)
            measured = browser.call(
                "Runtime.evaluate", {"expression": measure, "returnByValue": True}, session=session
            )
            if "exceptionDetails" in measured:
                raise RuntimeError(f"the measuring expression failed: {measured['exceptionDetails']}")
            shot = browser.call("Page.captureScreenshot", {"format": "png"}, session=session)
            with open(screenshot, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
            messages = console_messages(browser)
        except Exception as err:
            browser.close()
            browser.log.seek(0)
            sys.exit(f"cannot drive chromium: {err}\n{browser.log.read().decode(errors='replace')}")
        browser.close()
    print(json.dumps({"measured": measured["result"].get("value"), "console": messages}))


if __name__ == "__main__":
    main()
