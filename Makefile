# Copa: the two commands (see README.md).
.PHONY: run test bench bootstrap translations screenshots

bootstrap:
	@bash scripts/bootstrap.sh

run: bootstrap
	@.venv/bin/python scripts/supervise.py run

test: bootstrap
	@.venv/bin/python scripts/supervise.py test $(PYTEST_ARGS)

bench: bootstrap
	@for b in bench/*.py; do echo "== $$b"; .venv/bin/python $$b || exit 1; done

screenshots: bootstrap
	@.venv/bin/python scripts/screenshots.py

translations:
	.venv/bin/pybabel extract -F babel.cfg -k _l -o training/translations/messages.pot .
	.venv/bin/pybabel update -i training/translations/messages.pot -d training/translations
