"""An SMTP server on 127.0.0.1 for the email delivery test (aiosmtpd, from PyPI).

Usage: python3 sink.py PORT FOLDER. Each message received is written to FOLDER as N.eml (the
DATA exactly as received), N.from (the envelope sender) and N.to (the envelope recipients,
one per line). Prints "ready" once it accepts connections, and stops when stdin closes.
"""
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.folder, str(self.count))
        self.count += 1
        with open(name + ".from", "w") as file:
            file.write(envelope.mail_from)
        with open(name + ".to", "w") as file:
            file.write("\n".join(envelope.rcpt_tos))
        # Written last, and renamed into place: the test waits for the .eml file.
        with open(name + ".eml.part", "wb") as file:
            file.write(envelope.original_content)
        os.rename(name + ".eml.part", name + ".eml")
        return "250 Message accepted for delivery"


controller = Controller(Sink(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
