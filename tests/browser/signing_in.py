"""Signing in through the login page, as a person at the browser does."""

from ..factories import PASSWORD


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in as `username` (whoever was signed in before is signed out first)."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/login")
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    form.locator("button[type='submit']").click()
    page.wait_for_url(lambda url: "/login" not in url)
