"""The mixed load for locust, run headless by bench.mixed_load: each simulated user is the
kept history's committee mediator doing, with no pause between requests (or at most the
setup's "rate" requests a second),
40 % case list page 1, 40 % case detail, 15 % filing, 5 % the statistics page.

MIXED_SETUP names a JSON file bench.mixed_load writes: the side ("real": the app's pages,
signed in; "bare": the bare endpoints of bench.server), the credentials, the case ids to
open (visible to the mediator), the filing form and fresh people for it. This file imports
only locust (it runs in locust's own environment, not the app's).

The users are FastHttpUsers (geventhttpclient): locust runs on the machine that serves, and
its default client spends about 2 ms of CPU per request that the server then lacks."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, constant, constant_throughput, task

SETUP = json.loads(Path(os.environ["MIXED_SETUP"]).read_text(encoding="utf-8"))
BARE = SETUP["side"] == "bare"
LIST = f"/bench-baseline?user={SETUP['user_id']}" if BARE else "/cases/"
DETAIL = "/bench-detail-baseline/{}" if BARE else "/cases/{}"
FILING = "/bench-filing-baseline" if BARE else "/cases/new"
STATS = "/bench-stats-baseline" if BARE else "/stats/"


class Mediator(FastHttpUser):
    wait_time = constant_throughput(SETUP["rate"]) if SETUP.get("rate") else constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()
        if BARE:
            return
        response = self.client.post("/login", data={"username": SETUP["username"],
                                                    "password": SETUP["password"]},
                                    allow_redirects=False, name="sign in")
        if response.status_code != 302:
            raise RuntimeError(f"sign-in failed: {response.status_code}")

    def _read(self, path: str, name: str) -> None:
        # redirects not followed: a page that sends the user to sign in again fails
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location')}")

    @task(40)
    def case_list(self) -> None:
        self._read(LIST, "list")

    @task(40)
    def case_detail(self) -> None:
        self._read(DETAIL.format(self.rng.choice(SETUP["case_ids"])), "detail")

    @task(15)
    def filing(self) -> None:
        data = {**SETUP["form"], **self.rng.choice(SETUP["people"])}
        with self.client.post(FILING, data=data, name="filing", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302 or "/cases/" not in response.headers.get(
                    "Location", ""):
                response.failure(f"{response.status_code} {response.headers.get('Location')}")

    @task(5)
    def statistics(self) -> None:
        self._read(STATS, "stats")
