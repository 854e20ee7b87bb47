"""A real browser for the portal tests: Debian's chromium and chromium-driver through Selenium, axe-core (from
axe-selenium-python) on every page looked at, and screenshots (desktop and phone sized) in the run's log folder."""
from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from demo_data import credit_code, eventually

DESKTOP = (1280, 900)
PHONE = (390, 844)


def chromedriver() -> str:
    path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    assert Path(path).exists(), "chromium-driver is not installed (deploy/local/setup.sh installs it)"
    return path


class Browser:
    """One headless Chromium; `look(name)` checks the page with axe and saves its screenshots."""

    def __init__(self, shots: Path):
        options = Options()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN",
                    f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(chromedriver()), options=options)
        self.driver.implicitly_wait(0)
        self.shots = shots
        shots.mkdir(parents=True, exist_ok=True)
        self.violations: dict[str, list[str]] = {}
        self.looked: list[str] = []

    def quit(self) -> None:
        self.driver.quit()

    # navigation
    def open(self, url: str) -> None:
        self.driver.get(url)

    @property
    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    @property
    def url(self) -> str:
        return self.driver.current_url

    def css(self, selector: str):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def button(self, label: str, within=None):
        """The enabled or disabled button (or link styled as one) whose visible text is `label`."""
        scope = within or self.driver
        for element in scope.find_elements(By.XPATH, ".//button | .//a[contains(@class,'button')]"):
            if element.text.strip() == label:
                return element
        raise NoSuchElementException(f"no button {label!r} on {self.url}")

    def click(self, label: str) -> None:
        """Clicks the button `label` and waits for the page it leads to."""
        self.press(self.button(label))

    def press(self, element) -> None:
        """Clicks `element`, which submits a form or follows a link, and waits until the next page has replaced this one."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.driver, 30).until(lambda _: self.replaced(page))
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

    @staticmethod
    def replaced(page) -> bool:
        """True once `page`'s root element is no longer in the document. Chromium says so either as a stale
        element or, while the next page is being attached, as "Node with given id does not belong to the
        document" (which Selenium's own `staleness_of` lets escape)."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    def fill(self, fields: dict[str, str]) -> None:
        for element_id, value in fields.items():
            element = self.css(f"#{element_id}")
            element.clear()
            element.send_keys(value)

    def flash(self) -> str:
        found = self.all(".flash")
        return found[0].text if found else ""

    def problem(self) -> str:
        found = self.all(".problem")
        return found[0].text if found else ""

    def until_text(self, text: str, timeout: float = 20.0, reload: bool = True) -> None:
        """Reloads until the page shows `text` (the projection catches up through the broker)."""
        def shown():
            if text in self.text:
                return True
            if reload:
                self.driver.refresh()
            return False
        eventually(shown, timeout, what=f"{text!r} on {self.url}", interval=0.3)

    # looking
    def look(self, name: str) -> None:
        """axe-core on the page (serious and critical violations recorded), then desktop and phone screenshots."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            self.violations[name] = bad
        self.looked.append(name)
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
        self.driver.execute_script("window.scrollTo(0, 0)")
        self.driver.set_window_size(*DESKTOP)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(DESKTOP[0], min(max(height, DESKTOP[1]), 4000))
        self.driver.save_screenshot(str(self.shots / f"{slug}-desktop.png"))
        self.driver.set_window_size(*PHONE)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(PHONE[0], min(max(height, PHONE[1]), 6000))
        self.driver.save_screenshot(str(self.shots / f"{slug}-phone.png"))
        self.driver.set_window_size(*DESKTOP)


class Portals:
    """Where the three portals are, and how each kind of person signs in to them."""

    def __init__(self, browser: Browser, urls: dict[str, str]):
        self.b = browser
        self.student = urls["student"] + "/student"
        self.employer = urls["employer"] + "/employer"
        self.college = urls["college"] + "/college"

    def logout_all(self) -> None:
        self.b.driver.delete_all_cookies()

    def sign_in_student(self, student_id: str) -> None:
        self.b.open(f"{self.student}/login?q={student_id}")
        buttons = [e for e in self.b.all("button[name=identity]") if student_id in e.text]
        assert buttons, f"student {student_id} is not offered by the development login: {self.b.text[:500]}"
        self.b.press(buttons[0])
        assert "我的签约" in self.b.text, self.b.text[:500]

    def sign_in_counselor(self, college_code: str) -> None:
        """Signs in as the counselor `T<college>01` of the staff directory (see `upload_staff_directory`)."""
        self.sign_in_staff(f"counselor:T{college_code}01:{college_code}")
        assert "网上签约审核" in self.b.text

    def sign_in_staff(self, key: str) -> None:
        self.b.open(f"{self.college}/login")
        self.choose_identity(key)

    def choose_identity(self, key: str) -> None:
        """On the college portal's development login page: the identity `role:staffID:college`."""
        buttons = [e for e in self.b.all("button[name=identity]") if e.get_attribute("value") == key]
        assert buttons, f"{key} is not on the development login (is the staff directory uploaded?): {self.b.text[:400]}"
        self.b.press(buttons[0])

    def upload(self, path: str, csv_text: str, name: str) -> str:
        """Uploads a CSV through an office upload page (a real file input) and returns the report's text."""
        file = self.b.shots.parent / name
        file.write_text(csv_text, encoding="utf-8")
        # Chromium now and then answers a file input's send_keys with "node does not belong to the document" right
        # after a navigation: open the page again and retry (what is uploaded and asserted stays the same).
        from selenium.common.exceptions import WebDriverException
        for attempt in range(3):
            try:
                self.b.open(f"{self.college}{path}")
                self.b.css("#file").send_keys(str(file))
                break
            except WebDriverException:
                if attempt == 2:
                    raise
        self.b.click("上传并导入")
        return self.b.text

    def upload_staff_directory(self, colleges) -> str:
        """As the initial office account: one counselor `T<code>01` per college, and an office member."""
        self.sign_in_staff("office:OFFICE01:")
        lines = ["staffID,name,role,collegeCode"] + [f"T{code}01,{name}辅导员,辅导员,{code}" for code, name, _ in colleges]
        lines.append("JYC900,就业指导中心老师,就业指导中心,")
        lines.append("BAD01,没有学院的辅导员,辅导员,")
        return self.upload("/office/staff", "\n".join(lines) + "\n", "staff.csv")

    def sign_in_office_for_registrations(self, key: str = "office:JYC900:") -> None:
        """The employer portal's office login: handed over from the college portal, signing on there first when
        this browser has no college session yet (as the directory's office member `key`)."""
        self.b.open(f"{self.employer}/office/login")
        if "/college/login" in self.b.url:
            self.choose_identity(key)
        assert "/employer/office" in self.b.url and "用人单位注册审核" in self.b.text, (self.b.url, self.b.text[:400])

    def register_employer(self, name: str, rng: random.Random, password: str = "hr-password-2027") -> tuple[str, str, str]:
        """Registers an employer through the registration page; returns (employer ID, login, password)."""
        code = credit_code(rng, "110108")
        self.b.open(f"{self.employer}/register")
        self.b.fill({"name": name, "creditCode": code, "type": "民营企业", "industry": "软件和信息技术服务业",
                     "location": "北京市", "contactPerson": "王经理", "contactPhone": "010-62000000",
                     "address": "北京市海淀区中关村大街1号", "postalCode": "100080",
                     "password": password, "passwordConfirmation": password})
        self.b.click("提交注册")
        assert "等待学校就业指导中心审核" in self.b.text, self.b.text[:600]
        employer_id = re.search(r"用人单位 (E\d+)", self.b.text).group(1)
        return employer_id, code, password

    def sign_in_employer(self, login: str, password: str) -> None:
        self.b.open(f"{self.employer}/login")
        self.b.fill({"login": login, "password": password})
        self.b.click("登录")
        assert "签约须知" in self.b.text, self.b.text[:500]


# ---- printed pages: PDF from the logged-in browser, then poppler and zbar read it

def print_to_pdf(browser: Browser, path: Path) -> Path:
    """The current page as the browser prints it (DevTools printToPDF through Selenium), A4, no margins, backgrounds on."""
    from selenium.webdriver.common.print_page_options import PrintOptions
    import base64
    options = PrintOptions()
    options.page_width = 21.0
    options.page_height = 29.7
    options.margin_top = options.margin_bottom = options.margin_left = options.margin_right = 0
    options.background = True
    path.write_bytes(base64.b64decode(browser.driver.print_page(options)))
    return path


def pdf_pages(path: Path) -> int:
    import subprocess
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(path: Path) -> str:
    import subprocess
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_to_pngs(path: Path, resolution: int = 150) -> list[Path]:
    """One PNG per page beside the PDF (pdftoppm), for people to look at and for zbarimg."""
    import subprocess
    prefix = path.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(resolution), "-png", str(path), str(prefix)], check=True)
    return sorted(path.parent.glob(prefix.name + "-*.png"))


def qr_codes(png: Path) -> list[str]:
    """What zbarimg (zbar-tools) decodes from an image: one text per QR code found."""
    import subprocess
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                          capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def sheets_overflow(browser: Browser) -> list[int]:
    """Indexes of printed sheets whose content runs past their page (it would be cut off)."""
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.sheet')).map(function (s, i) {"
        " return s.scrollHeight > s.clientHeight + 1 ? i : -1; }).filter(function (i) { return i >= 0; });")


def sheet_heights(browser: Browser) -> list[tuple[int, int]]:
    """(content height, page height) in CSS pixels of every printed sheet."""
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.sheet')).map(function (s) { return [s.scrollHeight, s.clientHeight]; });")
