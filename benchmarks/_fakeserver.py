"""The fake Bot API server for the benchmarks, run in its own process, with scripted users.

``benchmarks/throughput.py`` starts it (``python benchmarks/_fakeserver.py``); it prints
``listening <url>`` and serves until terminated. It is ``tests.fakes.botapi.FakeBotAPI``, the
server the end-to-end tests use, plus an *autopilot* that plays the users in a closed loop:
every message the bot sends is answered at once by the user it was meant for (zero think
time), so the bot, not the users, sets the pace. ``/control/<action>`` drives it:

- ``setup`` (JSON: scenario, seed and sizes): create users and groups; for buurtbot, add the
  bot to every group (the bot registers them). Answers ``{"setup_updates": n}``.
- ``start``: the virtual users begin. ``window``: reset the statistics (measurement begins).
- ``stop``: the users stop answering; answers the statistics. ``quit``: end the process.

Scenarios:

- ``echo``: ``users`` members each write in their private chat, wait for the echo, write again.
- ``buurtbot``: ``groups`` registered groups of ``members`` each. ``reporters`` members at a
  time walk through a complete /melding (``/melding`` in the group, the deep link, category,
  subcategory, not urgent, typed place, when, typed description, no photo, name or anonymous,
  "Versturen"), each step sent only after the bot's answer to the previous one, because the
  button data carries a per-report token the user learns from that answer. With every report
  step the autopilot also posts ``chatter_per_step`` ordinary messages (random member, random
  group) that nobody waits for: chatter keeps a fixed proportion of the updates and can never
  run away from the bot. When a report is sent, another member starts a new one.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._common import TOKEN, percentile  # noqa: E402
from tests.fakes.botapi import FakeBotAPI, Json  # noqa: E402

# What members write in their groups: most of it everyday talk, some of it a signal.
CHATTER = (
    "Goedemorgen allemaal!",
    "Heeft iemand een ladder te leen voor zaterdag?",
    "Dank je Els, fijn dat je even keek.",
    "Wie gaat er mee met de schouw donderdagavond? We verzamelen om 19:30 bij de kerk.",
    "De container op het pleintje is weer geleegd, top.",
    "Onze kat is sinds gisteren weg, rood met een witte bef. Wie heeft hem gezien?",
    "Er staat al een uur een wit busje met draaiende motor voor nummer 14, iemand bekend?",
    "Vannacht is bij ons in de straat een fiets uit een schuurtje gestolen.",
    "Twee jongens op een scooter rijden steeds langs de garageboxen en kijken naar binnen.",
    "Er ligt weer een matras en een bank naast de ondergrondse container.",
    "Harde muziek bij het speeltuintje, al sinds elf uur.",
    "Hangjongeren bij het bankje achter de sporthal, veel lachgaspatronen op de grond.",
    "Straatlantaarn op de hoek van de Molenlaan doet het al een week niet.",
    "Er belde een man aan die zei dat hij van de waterleiding was, maar hij had geen pasje.",
    "Pas op: sms'jes over een pakketje dat niet bezorgd kon worden, niet op de link klikken!",
    "Oudere meneer loopt verward op straat en zoekt zijn huis, ik blijf even bij hem.",
    "Iemand probeerde vannacht de achterdeur bij de buren open te breken, er zitten krassen op.",
    "Vuurwerk op het grasveld, de honden zijn in paniek.",
    "Auto met geblindeerde ramen staat al drie dagen met de motor aan op de parkeerplaats.",
    "112 is gebeld, ze zijn onderweg.",
    "Weet iemand hoe laat de wijkagent spreekuur heeft?",
    "Bedankt voor het meedenken gisteren, de gemeente komt het gat in de stoep maken.",
    "Is de bijeenkomst van de buurtpreventie nog steeds op 12 maart?",
    "Het pakketje van nummer 8 staat bij mij, kom het maar ophalen.",
    "Iemand heeft tegen mijn auto gereden en is doorgereden, zwarte stationwagen.",
    "Er wordt hard gereden in de Schoolstraat, zeker rond half negen.",
    "Welkom in de groep, Fatima!",
    "De bosjes bij het fietspad zijn zo hoog dat je 's avonds niets meer ziet.",
    "Rustige nacht gehad, niets bijzonders gezien tijdens de ronde.",
    "Hondenpoep op het schoolplein, wie kan de gemeente mailen?",
)

PLACES = (
    "Molenlaan 4",
    "hoek Kerkweg/Molenlaan",
    "Dorpsstraat 12",
    "speeltuin aan de Beukenlaan",
    "parkeerplaats achter de supermarkt",
    "fietsenstalling bij het station",
    "Wilgenhof 23",
    "brandgang achter de Populierstraat",
    "pleintje bij de bibliotheek",
    "Schoolstraat, bij de basisschool",
)

DESCRIPTIONS = (
    "Man van ongeveer 30, lang en slank, zwarte jas met capuchon, liep langs de schuurtjes.",
    "Wit busje zonder opschrift, kenteken begint met VX, reed drie keer langzaam de straat door.",
    "Fiets met kettingslot uit de stalling gehaald, dader reed weg richting het station.",
    "Matras, kasten en vuilniszakken naast de container gezet.",
    "Groep van vijf jongeren met muziekbox en lachgasballonnen, veel lawaai tot na middernacht.",
    "Twee lantaarnpalen doen het niet, het pad is 's avonds helemaal donker.",
    "Oudere vrouw belde aan bij de buren en zei dat ze van de thuiszorg was, zonder pasje.",
    "Krassen rond het slot van de achterdeur, de deur is niet open gegaan.",
    "Auto's parkeren op de stoep, met een kinderwagen kun je er niet langs.",
    "Meneer met rollator wist niet waar hij woonde, hij is thuisgebracht.",
)

NAMES = (
    *("Anna", "Bram", "Cor", "Daan", "Els", "Fatima", "Gerrit", "Hanneke", "Ibrahim", "Joke"),
    *("Kees", "Lotte", "Mohamed", "Noor", "Oscar", "Petra", "Ruud", "Sanne", "Tom", "Ursula"),
    *("Vera", "Willem", "Yusuf", "Zoë"),
)

# Which kind of report members choose, roughly as in a neighbourhood app group.
CATEGORY_WEIGHTS = {"overlast": 5, "criminaliteit": 4, "zorg": 1}


def _deep_link(message: Json) -> str | None:
    """The /melding pointer's deep-link payload (``mld-<code>``), if the message has one."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            url = str(button.get("url") or "")
            if "?start=mld-" in url:
                return url.split("?start=", 1)[1]
    return None


def _actions(message: Json) -> dict[str, list[str]]:
    """The report buttons on a message: action -> callback data (``mld:<token>:<action>:…``)."""
    found: dict[str, list[str]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            parts = str(button.get("callback_data") or "").split(":")
            if len(parts) >= 3 and parts[0] == "mld" and parts[2] != "cancel":
                found.setdefault(parts[2], []).append(":".join(parts))
    return found


@dataclass
class Report:
    """One member walking through /melding."""

    user: Json
    group_id: int
    last: str = "melding"  # the last step the member took
    asked_at: float = 0.0  # when that step was posted; 0 once the bot answered


class Autopilot(FakeBotAPI):
    """FakeBotAPI whose users answer the bot's messages themselves, in a closed loop."""

    scenario: str
    running: bool
    rng: random.Random
    chatter_per_step: float
    group_members: dict[int, list[Json]]
    reports: dict[int, Report]  # by user id (= private chat id)
    pointer_wait: dict[int, collections.deque[Report]]
    echo_asked: dict[int, float]
    pushed: Counter[str]
    methods: Counter[str]
    reply_ms: list[float]
    reports_sent: int
    anomalies: Counter[str]
    quit: Callable[[], None]

    def __post_init__(self) -> None:
        super().__post_init__()
        self.scenario = ""
        self.running = False
        self.rng = random.Random(1)
        self.chatter_per_step = 0.0
        self._chatter_credit = 0.0
        self.group_members = {}
        self.reports = {}
        self.pointer_wait = {}
        self.echo_asked = {}
        self.quit = lambda: None
        self._reset_stats()

    def _reset_stats(self) -> None:
        self.pushed = Counter()
        self.methods = Counter()
        self.reply_ms = []
        self.reports_sent = 0
        self.anomalies = Counter()

    # --- server ---------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_post("/control/{action}", self._control)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        if self.running:
            self.methods[request.match_info["method"]] += 1
        return await super()._handle(request)

    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        body: Json = await request.json() if request.can_read_body else {}
        result: Json = {}
        if action == "setup":
            result = self.setup(body)
        elif action == "start":
            self.begin()
        elif action == "window":
            self._reset_stats()
        elif action == "stop":
            self.running = False
            self.updates.clear()  # the measurement is over: nothing more for the bot to fetch
            result = self.stats()
        elif action == "quit":
            self.quit()
        else:
            return web.json_response({"error": f"unknown action {action}"}, status=404)
        return web.json_response(result)

    # --- scenario -------------------------------------------------------------------------

    def setup(self, config: Json) -> Json:
        self.scenario = str(config["scenario"])
        self.rng = random.Random(int(config.get("seed", 1)))
        if self.scenario == "echo":
            for i in range(int(config["users"])):
                self.user(20_000 + i, NAMES[i % len(NAMES)])
            return {"setup_updates": 0}
        if self.scenario != "buurtbot":
            raise web.HTTPBadRequest(text=f"unknown scenario {self.scenario}")
        self.chatter_per_step = float(config["chatter_per_step"])
        self._reporters = int(config["reporters"])
        groups, members = int(config["groups"]), int(config["members"])
        for g in range(groups):
            chat_id = -1_007_000_000_000 - g
            people = [
                self.user(100_000 + g * 1_000 + m, NAMES[(g + m) % len(NAMES)])
                for m in range(members)
            ]
            self.group(chat_id, f"Buurtpreventie wijk {g + 1}", members=people, kind="supergroup")
            self.admins[chat_id] = [people[0]["id"]]
            self.group_members[chat_id] = people
            self.pointer_wait[chat_id] = collections.deque()
            self.add_bot(chat_id, people[0])
        return {"setup_updates": groups}

    def begin(self) -> None:
        self.running = True
        if self.scenario == "echo":
            for user_id in list(self.users):
                self._echo(self.users[user_id])
        else:
            for _ in range(self._reporters):
                self._new_report()

    def stats(self) -> Json:
        return {
            "pushed": dict(self.pushed),
            "api_calls": dict(self.methods),
            "reply_ms_p50": round(percentile(self.reply_ms, 0.50), 2),
            "reply_ms_p95": round(percentile(self.reply_ms, 0.95), 2),
            "reports_sent": self.reports_sent,
            "anomalies": dict(self.anomalies),
        }

    # --- the users ------------------------------------------------------------------------

    def _new_message(self, chat_id: int, **content: Any) -> Json:
        message = super()._new_message(chat_id, **content)
        if self.running:
            if self.scenario == "echo":
                self._on_echo(chat_id)
            else:
                self._on_bot_message(chat_id, message)
        return message

    def _answered(self, asked_at: float) -> None:
        if asked_at:
            self.reply_ms.append((time.perf_counter() - asked_at) * 1000)

    def _echo(self, user: Json) -> None:
        self.echo_asked[user["id"]] = time.perf_counter()
        self.pushed["echo"] += 1
        self.say(user["id"], user, self.rng.choice(CHATTER))

    def _on_echo(self, chat_id: int) -> None:
        asked_at = self.echo_asked.pop(chat_id, 0.0)
        if asked_at:
            self._answered(asked_at)
            self._echo(self.users[chat_id])

    def _new_report(self) -> None:
        for _ in range(100):
            group_id = self.rng.choice(list(self.group_members))
            user = self.rng.choice(self.group_members[group_id])
            if user["id"] not in self.reports:
                break
        else:
            raise RuntimeError("not enough members for the number of reporters")
        report = Report(user, group_id)
        self.reports[user["id"]] = report
        self.pointer_wait[group_id].append(report)
        self._step(report, "melding", lambda: self.say(group_id, user, "/melding"))

    def _step(self, report: Report, name: str, act: Callable[[], object]) -> None:
        """The member takes the next step of the report; the group chatters along."""
        report.last = name
        report.asked_at = time.perf_counter()
        self.pushed["melding"] += 1
        act()
        self._chatter_credit += self.chatter_per_step
        while self._chatter_credit >= 1:
            self._chatter_credit -= 1
            group_id = self.rng.choice(list(self.group_members))
            member = self.rng.choice(self.group_members[group_id])
            self.pushed["chatter"] += 1
            self.say(group_id, member, self.rng.choice(CHATTER))

    def _on_bot_message(self, chat_id: int, message: Json) -> None:
        if chat_id < 0:
            payload = _deep_link(message)
            waiting = self.pointer_wait.get(chat_id)
            if payload is not None and waiting:
                pointed = waiting.popleft()
                self._answered(pointed.asked_at)
                user = pointed.user
                self._step(
                    pointed, "start", lambda: self.say(user["id"], user, f"/start {payload}")
                )
            return  # the intro, posted reports, and whatever the bot says about chatter
        report = self.reports.get(chat_id)
        if report is None:
            self.anomalies["message to a user without a report"] += 1
            return
        asked_at, report.asked_at = report.asked_at, 0.0
        self._answered(asked_at)
        actions = _actions(message)
        if actions:
            self._press(report, message, actions)
        elif report.last == "send":
            self.reports_sent += 1
            del self.reports[chat_id]
            self._new_report()
        elif report.last == "now":
            self._type(report, "where", self.rng.choice(PLACES))
        elif report.last in ("when", "part"):
            self._type(report, "what", self.rng.choice(DESCRIPTIONS))
        elif asked_at:
            # An answer we did not script (a validation message, an error): note it and let the
            # member wait for the bot's next message.
            self.anomalies[f"after {report.last}: {str(message.get('text'))[:60]}"] += 1
            report.asked_at = asked_at

    def _type(self, report: Report, step: str, text: str) -> None:
        user = report.user
        self._step(report, step, lambda: self.say(user["id"], user, text))

    def _press(self, report: Report, message: Json, actions: dict[str, list[str]]) -> None:
        rng = self.rng
        if "cat" in actions:
            by_value = {data.rsplit(":", 1)[1]: data for data in actions["cat"]}
            values = [v for v in CATEGORY_WEIGHTS if v in by_value]
            data = by_value[rng.choices(values, [CATEGORY_WEIGHTS[v] for v in values])[0]]
            action = "cat"
        elif "send" in actions:
            action, data = "send", actions["send"][0]
        else:
            action = next(iter(actions))
            options = actions[action]
            preferred = {
                "now": ":now:0",  # not urgent
                "when": ":when:now" if rng.random() < 0.6 else ":when:yesterday",
                "photo": ":photo:none",
                "go": ":go",
            }.get(action)
            chosen = [d for d in options if preferred and d.endswith(preferred)]
            data = chosen[0] if chosen else rng.choice(options)
        user = report.user
        self._step(report, action, lambda: self.press(user, message, data))


class _QuietDisconnects(logging.Filter):
    """The bot closing a long poll when it stops is no error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ConnectionResetError)


async def serve(port: int) -> None:
    logging.getLogger("aiohttp.server").addFilter(_QuietDisconnects())
    api = Autopilot(TOKEN, port=port)
    url = await api.start()
    done = asyncio.Event()
    api.quit = done.set
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, done.set)
    print(f"listening {url}", flush=True)
    try:
        await done.wait()
    finally:
        await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
