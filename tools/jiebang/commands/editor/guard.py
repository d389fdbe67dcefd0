"""Who may talk to the editor (issue 14, 7): only this server's own pages.

- `Host` must name this server (127.0.0.1, localhost or the `--host` given, with its port), so a page
  on another site that rebinds its DNS name to 127.0.0.1 is refused;
- an `Origin`, when a browser sends one, must be this server's;
- every write carries the per-run token the editor's pages hold, which another site cannot read.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field


@dataclass
class Guard:
    port: int
    hosts: set[str] = field(default_factory=lambda: {"127.0.0.1", "localhost", "[::1]"})
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def allow_host(self, host: str | None) -> bool:
        return host is not None and host.lower() in {f"{h}:{self.port}" for h in self.hosts}

    def allow_origin(self, origin: str | None) -> bool:
        if origin is None:
            return True  # a request typed into the address bar or from a non-browser client
        return origin.lower() in {f"http://{h}:{self.port}" for h in self.hosts}

    def allow_token(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent.encode(), self.token.encode())
