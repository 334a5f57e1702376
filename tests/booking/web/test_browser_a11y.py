"""JIS X 8341-3 AA (WCAG 2.x AA) on the citizen pages, in a real Chromium: keyboard only, 320 px and
text spacing in every language, visible focus, the error summary, the calendar in the accessibility
tree, the session warning, and axe-core (shipped by the axe-playwright-python package)."""
from __future__ import annotations

import re
import time
from importlib import resources
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from booking.models import Notice, Place, Ward
from booking.web.session import UNTIL_KEY
from platform_console.demo import CHIBA, DEMO_GUIDANCE
from tenants.models import Municipality
from tests.booking.factories import remove_notices
from tests.booking.web.conftest import DEVICES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LANGUAGES = ["ja", "en", "zh-hans", "ko", "es", "pt-br"]
NUMBER = "A11Y00001"
OTHER_NUMBER = "A11Y00002"
# WCAG 1.4.12: what a user's style sheet may set; nothing may be cut off or overlap
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }"""
KITA_NAMES = {"en": "Kita Ward Office", "zh-hans": "北区政府", "ko": "기타구청", "es": "Oficina del Distrito de Kita",
              "pt-br": "Escritório do Distrito de Kita"}


@pytest.fixture
def city(django_db_setup, django_db_blocker):
    """Alpha in all six languages with the demo's texts, committed for the browser; all put back after."""
    with django_db_blocker.unblock():
        alpha = Municipality.objects.get(schema_name="alpha")
        saved = alpha.enabled_languages, alpha.display_names, alpha.email_required
        alpha.enabled_languages = LANGUAGES
        alpha.display_names = {code: f"{name} (Aoba)" for code, name in CHIBA["display_names"].items()}
        alpha.save(update_fields=["enabled_languages", "display_names"])
        with tenant_context(alpha):
            kita = Place.objects.get(code="kita")
            saved_place = kita.names, kita.guidance
            kita.names, kita.guidance = KITA_NAMES, DEMO_GUIDANCE
            kita.save(update_fields=["names", "guidance"])
            ward = Ward.objects.get(code="kita")
            for number in (NUMBER, OTHER_NUMBER):
                Notice.objects.create(number=number, birth_day=15, ward=ward, default_place=kita)
            try:
                yield alpha
            finally:
                remove_notices((NUMBER, OTHER_NUMBER))
                kita.names, kita.guidance = saved_place
                kita.save(update_fields=["names", "guidance"])
        alpha.enabled_languages, alpha.display_names, alpha.email_required = saved
        alpha.save(update_fields=["enabled_languages", "display_names", "email_required"])


def new_page(browser, language="ja", device="desktop", **options):
    context = browser.new_context(locale="ja-JP", **{**DEVICES[device], **options})
    context.set_default_timeout(15000)
    page = context.new_page()
    return context, page


def use_language(context, base, language):
    context.add_cookies([{"name": "madoguchi_language", "value": language, "url": base}])


def log_in(page, base, number=NUMBER):
    page.goto(f"{base}/")
    page.fill("#id_notice_number", number)
    page.select_option("#id_birth_day", "15")
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/booking/"))


def first_free_day(page):
    return page.locator("td.day--available a, td.day--few a").first


def to_first_free_slot(page) -> tuple[str, str]:
    """From the calendar to the first free day, its first free time chosen in the day's booking form;
    the day's URL and that of the time's own confirmation page (reachable by a link, too)."""
    first_free_day(page).click()
    page.wait_for_url(re.compile(r"/booking/places/kita/\d{4}-\d\d-\d\d/$"))
    first_time = page.locator("input[name=slot]").first
    first_time.check()
    return page.url, page.url.split("/booking/")[0] + f"/booking/slots/{first_time.get_attribute('value')}/"


def tab_to(page, selector: str, limit: int = 120):
    """Press Tab until the focused element matches `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def set_session_end(context, django_db_blocker, seconds_from_now: float) -> None:
    key = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "sessionid")
    with django_db_blocker.unblock():
        session = SessionStore(session_key=key)
        session[UNTIL_KEY] = time.time() + seconds_from_now
        session.save()


def test_booking_from_login_to_confirmation_with_the_keyboard_only(browser, live_port, city, artifacts):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser)
    try:
        page.goto(f"{base}/")
        tab_to(page, "#id_notice_number")
        page.keyboard.type(NUMBER)
        tab_to(page, "#id_birth_day")
        for _ in range(15):
            page.keyboard.press("ArrowDown")
        assert page.input_value("#id_birth_day") == "15"
        tab_to(page, "form[action='/login/'] button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/booking/places/kita/$"))  # straight to the calendar
        tab_to(page, "td.day--available a, td.day--few a")
        page.screenshot(path=artifacts / "a11y-keyboard-calendar-focus.png")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/booking/places/kita/\d{4}-\d\d-\d\d/$"))
        tab_to(page, "input[name=slot]")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked")
        page.screenshot(path=artifacts / "a11y-keyboard-time-focus.png")
        tab_to(page, "#id_email")
        page.keyboard.type("keyboard@example.jp")
        tab_to(page, "form[novalidate] button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/booking/")
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator(".booking-code").inner_text())
        assert "keyboard@example.jp" in page.locator(".booking-summary").inner_text()
    finally:
        context.close()


FOCUS_CONTRAST = """() => {
  const rgb = (colour) => (colour.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
    : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const background = (element) => { for (let e = element; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c.slice(0, 3); }
    return [255, 255, 255]; };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const width = parseFloat(style.outlineWidth);
  if (style.outlineStyle === "none" || width < 2) return {element: element.outerHTML.slice(0, 80), ratio: 0};
  const behind = parseFloat(style.outlineOffset) < 0 ? element : element.parentElement;
  return {element: element.outerHTML.slice(0, 80),
          ratio: contrast(rgb(style.outlineColor), background(behind))};
}"""


@pytest.mark.parametrize("where", ["start", "calendar", "day", "confirmation"])
def test_focus_is_visible_at_3_to_1_on_every_focusable_element(browser, live_port, city, where):
    """WCAG 1.4.11/2.4.7: the ring is measured against what lies behind it, calendar days included."""
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser)
    try:
        if where != "start":
            log_in(page, base)
            page.goto(f"{base}/booking/places/kita/")
            if where in ("day", "confirmation"):
                day_url, confirm_url = to_first_free_slot(page)
                page.goto(day_url if where == "day" else confirm_url)  # a fresh page: focus from the top
        else:
            page.goto(f"{base}/")
        seen, weak = 0, []
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.outerHTML")
        for _ in range(150):
            result = page.evaluate(FOCUS_CONTRAST)
            seen += 1
            if result["ratio"] < 3:
                weak.append(result)
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.outerHTML") == first or \
                    page.evaluate("document.activeElement === document.body"):
                break
        assert seen > 5 and not weak, weak
    finally:
        context.close()


def test_the_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(browser, live_port, city,
                                                                           django_db_blocker):
    with django_db_blocker.unblock():
        Municipality.objects.filter(pk=city.pk).update(email_required=True)
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser)
    try:
        page.goto(f"{base}/")
        page.click("form[action='/login/'] button[type=submit]")  # nothing entered
        expect(page.locator("#error-summary")).to_be_focused()
        expect(page).to_have_title(re.compile(r"^エラー: "))
        page.get_by_role("link", name=re.compile("誕生日")).click()
        expect(page.locator("#id_birth_day")).to_be_focused()
        log_in(page, base)
        page.goto(f"{base}/booking/places/kita/")
        to_first_free_slot(page)
        page.fill("#id_email", "not an address")
        page.get_by_role("button", name="この日時で予約する").click()
        summary = page.get_by_role("alert")
        expect(summary).to_be_focused()
        assert summary.get_by_role("heading").inner_text() == "入力内容を確認してください"
        expect(page).to_have_title(re.compile(r"^エラー: 時間を選ぶ"))
        summary.get_by_role("link").click()
        expect(page.locator("#id_email")).to_be_focused()
        assert page.input_value("#id_email") == "not an address"
    finally:
        context.close()


def test_the_calendar_reads_dates_and_states_in_words_and_names_contain_the_visible_text(
        browser, live_port, city, artifacts):
    base = f"http://alpha.localhost:{live_port}"
    for language in ("ja", "pt-br"):
        context, page = new_page(browser)
        try:
            use_language(context, base, language)
            log_in(page, base)
            page.goto(f"{base}/booking/places/kita/")
            tree = page.locator("table.month-calendar").aria_snapshot()
            (artifacts / f"a11y-calendar-tree-{language}.yaml").write_text(tree)
            names = re.findall(r'- (cell|link) "([^"]*)"', tree)
            assert names, tree
            for role, name in names:
                assert not re.fullmatch(r"\d{1,2}(\s*\S)?", name), f"{role} {name!r} says no date or state"
            words = {"ja": ["空き", "残りわずか", "満席", "休み", "受付終了", "受付前", "過去の日"],
                     "pt-br": ["livre", "poucas", "lotado", "fechado", "encerrado", "ainda não", "passado"]}[language]
            day_cells = [name for role, name in names if role == "cell" and name]
            assert all(any(word in name for word in words) for name in day_cells), day_cells
            links = page.locator("td.day a")
            assert links.count() > 0
            for index in range(links.count()):
                link = links.nth(index)
                visible = link.evaluate("""(a) => [...a.querySelectorAll('.day-number, .day-text')]
                    .map((e) => [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''))
                    .join(' ')""").split()
                accessible = re.search(r'link "([^"]*)"', link.aria_snapshot()).group(1)
                position = 0
                for word in visible:  # every visible word, in order, in the accessible name (WCAG 2.5.3)
                    position = accessible.find(word, position)
                    assert position >= 0, (visible, accessible)
        finally:
            context.close()


def no_overflow(page) -> list[str]:
    """What sticks out sideways: the page, or a calendar day's text out of its cell."""
    return page.evaluate("""() => {
      const problems = [];
      if (document.documentElement.scrollWidth > window.innerWidth) {
        const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right
          > window.innerWidth + 1 && !e.closest('.visually-hidden, dialog:not([open])'));
        problems.push('page scrolls sideways: ' + wide.slice(0, 3).map((e) => e.outerHTML.slice(0, 60)).join(' | '));
      }
      for (const cell of document.querySelectorAll('td.day')) {
        const box = cell.getBoundingClientRect();
        for (const part of cell.querySelectorAll('.day-number, .day-mark, .day-text')) {
          const r = part.getBoundingClientRect();
          if (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1 ||
              part.scrollWidth > part.clientWidth + 1)
            problems.push('calendar cell overflows: ' + cell.textContent.trim());
        }
      }
      return problems;
    }""")


@pytest.mark.parametrize("language", LANGUAGES)
def test_320_px_wide_with_text_spacing_nothing_scrolls_sideways_or_overlaps(browser, live_port, city, artifacts,
                                                                            language):
    """WCAG 1.4.10 (reflow at 320 CSS px, = 1280 px at 400 %) and 1.4.12 (text spacing)."""
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser, bypass_csp=True, viewport={"width": 320, "height": 640},
                             device_scale_factor=1, is_mobile=True, has_touch=True)
    try:
        use_language(context, base, language)
        page.goto(f"{base}/")
        pages = {"start": page.url}
        log_in(page, base)
        pages["booking"] = page.url
        page.goto(f"{base}/booking/places/kita/")
        pages["calendar"] = page.url
        pages["day"], pages["confirmation"] = to_first_free_slot(page)
        for name, url in pages.items():
            page.goto(url)
            for spacing in (False, True):
                if spacing:
                    page.add_style_tag(content=TEXT_SPACING)
                problems = no_overflow(page)
                suffix = "-spacing" if spacing else ""
                page.screenshot(path=artifacts / f"320-{language}-{name}{suffix}.png", full_page=True)
                assert not problems, f"{language} {name}{suffix}: {problems}"
    finally:
        context.close()


def test_the_session_warns_before_it_ends_extends_in_place_and_keeps_what_was_typed(
        browser, live_port, city, artifacts, django_db_blocker):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser)
    try:
        log_in(page, base)
        page.clock.install()
        page.goto(f"{base}/booking/places/kita/")
        to_first_free_slot(page)
        confirm_url = page.url
        page.fill("#id_email", "typed@example.jp")
        page.focus("#id_email")
        dialog = page.get_by_role("dialog")
        assert not dialog.is_visible()
        set_session_end(context, django_db_blocker, 100)  # the server agrees: 100 s left
        page.clock.fast_forward("28:30")
        dialog.wait_for(state="visible")
        assert dialog.get_by_role("heading").inner_text() == "まもなくログインが終了します"
        expect(dialog.get_by_role("button", name="ログインを延長する")).to_be_focused()
        page.screenshot(path=artifacts / "a11y-session-warning.png")
        page.keyboard.press("Enter")
        dialog.wait_for(state="hidden")
        expect(page.locator("#id_email")).to_be_focused()  # back where the citizen was
        assert page.input_value("#id_email") == "typed@example.jp"  # nothing lost
        with django_db_blocker.unblock():
            key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
            assert SessionStore(session_key=key)[UNTIL_KEY] > time.time() + 25 * 60

        set_session_end(context, django_db_blocker, -1)  # then the citizen was away
        page.clock.fast_forward("29:00")
        expect(dialog.get_by_role("heading")).to_have_text("ログインが終了しました")
        dialog.get_by_role("button", name="閉じる").click()
        page.get_by_role("button", name="この日時で予約する").click()
        page.wait_for_url(f"{base}/")
        assert "続きから操作できます" in page.locator(".messages").inner_text()
        page.fill("#id_notice_number", NUMBER)
        page.select_option("#id_birth_day", "15")
        page.click("form[action='/login/'] button[type=submit]")
        page.wait_for_url(confirm_url)
        assert page.input_value("#id_email") == "typed@example.jp"
    finally:
        context.close()


def axe_script() -> Path:
    return Path(str(resources.files("axe_playwright_python") / "axe.min.js"))


AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    rules: {'label-content-name-mismatch': {enabled: true}, 'region': {enabled: true}},
  });
  return result.violations.map((v) => ({id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("language", ["ja", "en", "pt-br"])
def test_axe_core_finds_nothing_on_the_citizen_pages(browser, live_port, city, language):
    base = f"http://alpha.localhost:{live_port}"
    context, page = new_page(browser, bypass_csp=True)  # the CSP would block the injected axe-core
    try:
        use_language(context, base, language)
        page.goto(f"{base}/")
        urls = [page.url]
        log_in(page, base)
        urls.append(page.url)
        page.goto(f"{base}/booking/places/kita/")
        urls.append(page.url)
        urls += to_first_free_slot(page)
        found = {}
        for url in urls:
            page.goto(url)
            page.add_script_tag(path=axe_script())
            violations = page.evaluate(AXE_RUN)
            if violations:
                found[url] = violations
        page.fill("#id_email", "not an address")
        page.locator("form[novalidate] button[type=submit]").click()
        page.add_script_tag(path=axe_script())
        if violations := page.evaluate(AXE_RUN):
            found["confirmation with errors"] = violations
        assert not found, found
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
        assert "label" in [violation["id"] for violation in page.evaluate(AXE_RUN)]  # axe-core did look
    finally:
        context.close()
