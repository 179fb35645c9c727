"""The main navigation as a person opens it: behind the menu button on a narrow window."""

from __future__ import annotations

from playwright.sync_api import Page

# The navigation is `navbar-expand-lg`: below Bootstrap's lg breakpoint it collapses.
COLLAPSES_BELOW_PX = 992


def navigation_collapsed(page: Page) -> bool:
    """Whether the sections sit behind the menu button, read from the window's width.

    Asking the button whether it is visible races the stylesheet: right after a redirect the
    button shows until the CSS that hides it on wide windows has been applied.
    """
    size = page.viewport_size
    return size is not None and size["width"] < COLLAPSES_BELOW_PX


def expand_navigation(page: Page) -> None:
    """Opens the menu button when the window is narrow; a no-op on wide windows."""
    if navigation_collapsed(page):
        page.locator(".navbar-toggler").click()
