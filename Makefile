# madoguchi: `make run` starts the whole product, `make test` runs the whole suite.
# Both work on a fresh machine with only Python 3.11+: they create .venv, install what is
# needed and, when DATABASE_URL is unset, use the project's own PostgreSQL under var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test install system-packages messages bench bench-onboarding bench-login bench-import bench-export bench-pages bench-connections bench-cities bench-billing bench-flow lint clean stop-db mutate

run: install
	$(PY) -m devtools.devrun

test: install
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m devtools.localdb exec -- $(PY) -m pytest $(PYTEST_ARGS)

install: $(INSTALLED) system-packages messages

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

system-packages:
	@sh platform/install-system-packages.sh

messages: $(INSTALLED)
	@$(PY) -m devtools.compilemessages

bench: bench-onboarding bench-reservations

bench-onboarding: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_onboarding.py

# Mutation testing of the booking services (not part of `make test`; all of booking/services is ~4,900 mutants,
# hours on two cores). The booking path alone: MUTANTS='booking.services.reservations* booking.services.seats*'.
# Narrow it with MUTANTS='booking.services.citizen_login*'.
MUTANTS ?=
mutate: install
	rm -rf mutants
	$(PY) -m devtools.localdb exec -- env MADOGUCHI_TEST_DB_CLONE=1 $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS) || true
	$(PY) -m devtools.mutation_score

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

stop-db: $(INSTALLED)
	$(PY) -m devtools.localdb stop

clean:
	rm -rf $(VENV) var test-artifacts

bench-login: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_login_throttle.py

bench-pages: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } || true
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_pages.py

bench-connections: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_connections.py

bench-reservations: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_reservations.py

bench-billing: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_billing.py

bench-import: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_import.py

bench-export: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_export.py

bench-cities: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_cities.py

# CPU per citizen booking, in-process, alternated with another checkout: BENCH_FLOW_ARGS="--baseline DIR"
BENCH_FLOW_ARGS ?=
bench-flow: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/bench_flow.py $(BENCH_FLOW_ARGS)

# A simulated day of the call centre (three cities, Poisson arrivals) through the real distribution code.
SIMULATE_ARGS ?=
.PHONY: simulate-calls
simulate-calls: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/simulate_calls.py $(SIMULATE_ARGS)

.PHONY: loadtest
loadtest: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/release_rush.py $(LOADTEST_ARGS)

# The release rush beside an earlier commit's own, in turns (figures only compare within one run).
BASELINE ?= 8a41b37
ROUNDS ?= 3
.PHONY: loadtest-against
loadtest-against: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/rush_against.py --baseline $(BASELINE) --rounds $(ROUNDS) -- $(LOADTEST_ARGS)

# --- the production shape of the database (platform/postgres/) and its drills ---------------
# Patroni, etcd and pgBackRest come from platform/postgres/install.sh (Debian packages as root,
# Patroni into var/ops-venv); `make run` and `make test` never need them.
DRILL_ARGS ?=
.PHONY: ops-install drill-failover drill-pitr

ops-install:
	@bash platform/postgres/install.sh

drill-failover: install ops-install
	$(PY) loadtests/drills/failover.py $(DRILL_ARGS)

drill-pitr: install ops-install
	$(PY) loadtests/drills/pitr.py $(DRILL_ARGS)

# --- reliability drills (issue 12): worker and broker, alerts until acknowledged, the release rush --
# Each runs from nothing (a database of its own, a Redis of its own on a free loopback port) and
# ends with one line of figures; see loadtests/README.md and platform/runbooks/.
DRILL_ARGS ?=
.PHONY: drill-packages drill-worker drill-alert drill-rush

drill-packages:
	@command -v redis-server >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -q --no-install-recommends redis-server >/dev/null; } \
	  || { echo "the drills need redis-server (apt-get install redis-server)" >&2; exit 1; }

drill-worker: install drill-packages
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/drills/worker.py $(DRILL_ARGS)

drill-alert: install drill-packages
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/drills/alert.py $(DRILL_ARGS)

drill-rush: install
	$(PY) -m devtools.localdb exec -- $(PY) loadtests/drills/rush.py $(DRILL_ARGS)
