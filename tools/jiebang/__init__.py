"""jiebang: 揭榜挂帅榜单公告板 — load, check, publish and audit requirement lists."""

__version__ = "0.1.0"
