# Everything the project needs is installed from here: a fresh clone needs
# only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_OUT := build/demo
comma := ,

.PHONY: venv browser demo test test-pythons lint validate stress spread together freeze bench bench-class clean

$(STAMP): pyproject.toml
	@command -v bwrap >/dev/null || (command -v apt-get >/dev/null && \
		(apt-get install -y bubblewrap || (apt-get update && apt-get install -y bubblewrap))) \
		|| echo "bubblewrap could not be installed: runs will not be sandboxed"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[instructor,dev]'
	touch $(STAMP)

venv: $(STAMP)

## browser: Debian's chromium for the HTML report test (installed only if missing and
## apt-get is there; without it that one test is skipped and says why)
browser:
	@command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || \
	  { apt-get install -y -q -o DPkg::Lock::Timeout=600 chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && \
	      apt-get install -y -q -o DPkg::Lock::Timeout=600 chromium >/dev/null 2>&1; } || \
	    echo "make: chromium could not be installed; the HTML report test will be skipped"; }

## demo: grade the sample class in examples/class and print the gradebook
demo: venv
	$(VENV)/bin/grader grade examples/class --out $(DEMO_OUT)

## test: lint and the whole test suite (which validates the course: every solution
## passes, every stub and wrong answer fails), two test workers at a time
test:
	@$(MAKE) --no-print-directory -j2 venv browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --durations=10 tests

lint: venv
	$(VENV)/bin/ruff check .

## test-pythons: grader validate and the diagnostics tests on CPython 3.12, 3.13 and
## 3.14, fetched from Debian's newer suites into build/pythons (cached)
test-pythons: venv
	$(PY) ci/pythons.py 3.12 3.13 3.14

validate: venv
	$(VENV)/bin/grader validate

## stress: repeated runs (reference solutions pass N of N, stubs fail N of N);
## HOG=1 runs a CPU hog and a memory hog beside (ONLY=slug,slug to narrow)
stress: venv
	$(PY) bench/stress.py --runs 50 $(if $(HOG),--hog cpu$(comma)mem) $(if $(ONLY),--only $(ONLY))

## bench: grading time of the sample class, and the cost of isolation
bench: venv
	$(PY) bench/grade_bench.py
	$(PY) bench/diagnostics_bench.py
	$(PY) bench/timeline_bench.py
	$(PY) bench/aio_bench.py

## spread: every wrong answer graded 5 times, the spread of each score (must be 0);
## together: the sample class graded 3 times at once beside 2 CPU hogs, against alone
spread: venv
	$(PY) bench/spread.py $(if $(ONLY),--only $(ONLY))

together: venv
	$(PY) bench/together.py

## freeze: perfmp's reference graded 120 times with 300 Pools under fork each, beside
## hogs (CPython 3.11's freeze inside sys._current_frames, gh-106883: must be 0)
freeze: venv
	$(PY) bench/fork_freeze.py --runs 60 --copies 2

## bench-class: a generated class of 100 students, graded in parallel (takes a while;
## STUDENTS=N to size it, NO_SANDBOX=1 for the warm, unsandboxed runs)
bench-class: venv
	$(PY) bench/class_bench.py $(if $(STUDENTS),--students $(STUDENTS)) $(if $(NO_SANDBOX),--no-sandbox)

clean:
	rm -rf build $(VENV)
