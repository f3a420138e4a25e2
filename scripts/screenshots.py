"""`make screenshots`: a PNG of every page for every role, in French and English, on a desktop
(1280 px) and a phone (390 px), written to instance/screenshots/ (demo data, real chromium)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tour import PASSWORD, ROLES, ROOT, demo_server, first_session_id, pages_for  # noqa: E402

OUT = ROOT / "instance" / "screenshots"
DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def sign_in(page, email: str, language: str) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    current = page.evaluate("document.documentElement.lang")
    if current.startswith("fr") != (language == "fr"):
        with page.expect_navigation():
            # the switch sits in the folded menu on a phone: submit its form directly
            page.eval_on_selector('form[action*="/locale/"]', "form => form.submit()")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    written = 0
    with demo_server() as demo, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        for device, viewport in DEVICES.items():
            for language in ("fr", "en"):
                context = browser.new_context(
                    base_url=demo.url,
                    viewport=viewport,
                    locale="fr-CA" if language == "fr" else "en",
                )
                page = context.new_page()
                page.goto("/login")
                page.screenshot(path=OUT / f"visitor-login-{language}-{device}.png", full_page=True)
                written += 1
                for role, email in ROLES.items():
                    context.clear_cookies()
                    sign_in(page, email, language)
                    if demo.session_id is None:
                        page.goto(f"/programs/{demo.pid}/sessions")
                        demo.session_id = first_session_id(page.content())
                    for name, path in pages_for(role, demo.pid, demo.session_id):
                        page.goto(path)
                        page.wait_for_load_state("networkidle")
                        target = OUT / f"{role}-{name}-{language}-{device}.png"
                        page.screenshot(path=target, full_page=True)
                        written += 1
                context.close()
        browser.close()
    print(f"{written} screenshots in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
