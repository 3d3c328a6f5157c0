# Everything the project needs is installed from here: a fresh clone needs
# only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_OUT := build/demo

.PHONY: venv demo test lint validate stress bench bench-class clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## demo: grade the sample class in examples/class and print the gradebook
demo: venv
	$(VENV)/bin/grader grade examples/class --out $(DEMO_OUT)

## test: lint, validate the course, and run the whole test suite
test: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/grader validate
	$(PY) -m pytest -q -p no:cacheprovider tests

lint: venv
	$(VENV)/bin/ruff check .

validate: venv
	$(VENV)/bin/grader validate

## stress: repeated runs (reference solutions pass N of N, stubs fail N of N)
stress: venv
	$(PY) bench/stress.py --runs 50 $(if $(HOG),--hog)

## bench: grading time of the sample class, and the cost of isolation
bench: venv
	$(PY) bench/grade_bench.py
	$(PY) bench/diagnostics_bench.py

## bench-class: a generated class of 100 students, graded in parallel (takes a while)
bench-class: venv
	$(PY) bench/class_bench.py $(if $(STUDENTS),--students $(STUDENTS))

clean:
	rm -rf build $(VENV)
