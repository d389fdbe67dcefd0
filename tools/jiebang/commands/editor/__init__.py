"""The clerk's editor in `jiebang serve`, at /_editor/ (an interface: keep the path). `app` holds the
routes, `guard` who may call them, `pages` the HTML, `uploads` the 征集表 upload; the work itself is
the desk's (desk/editor/)."""

from .app import PREFIX, Editor, Request, Response
from .guard import Guard

__all__ = ["PREFIX", "Editor", "Guard", "Request", "Response"]
