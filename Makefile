# Everyday commands. `make run` and `make test` are the README's quick start.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install run worker beat test lint format migrations-check bench clean messages backup restore health

help:
	@echo "make run               cài đặt nếu cần, migrate, nạp dữ liệu mẫu, chạy tại http://127.0.0.1:8000/"
	@echo "make test              chạy kiểm thử (PYTEST_ARGS=... để chọn phần)"
	@echo "make install           tạo .venv và cài dự án kèm nhóm dev"
	@echo "make lint | format     ruff check | ruff check --fix"
	@echo "make migrations-check  báo lỗi nếu model đổi mà chưa có migration"
	@echo "make bench             đo hiệu năng (SCALE=province mặc định, hoặc national), ghi bench/results/ và docs/performance.md"
	@echo "make worker | beat     Celery worker (không kèm beat) | Celery beat, đúng một tiến trình (cần REDIS_URL)"
	@echo "make backup            sao lưu CSDL (pg_dump) và tệp đính kèm vào BACKUP_DIR (mặc định backups/)"
	@echo "make restore BACKUP=…  khôi phục một bản sao lưu (đường dẫn make backup in ra)"
	@echo "make health            kiểm tra CSDL, Redis, worker, tính tiến độ (JSON; mã thoát 1 khi hỏng)"
	@echo "make clean             xóa .venv, db.sqlite3, staticfiles"
	@echo "make messages          cập nhật bản dịch tiếng Anh (cần gettext), dịch rồi biên dịch .mo"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --if-empty
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker with beat"; \
		$(BIN)/celery -A config worker --beat --loglevel=info --concurrency=1 & \
		trap "kill $$!" EXIT; \
		$(MANAGE) runserver 127.0.0.1:8000; \
	else \
		$(MANAGE) runserver 127.0.0.1:8000; \
	fi

# Production runs workers and one beat as separate processes (docs/deploy.md): a worker with --beat, scaled
# to two, would run every scheduled job twice.
worker: install
	$(BIN)/celery -A config worker --loglevel=info

beat: install
	$(BIN)/celery -A config beat --loglevel=info

backup:
	@sh scripts/backup.sh

restore:
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=backups/chitieu-<thời điểm> (đường dẫn make backup in ra)"; exit 1; }
	@sh scripts/restore.sh "$(BACKUP)"

health: install
	$(MANAGE) health

test: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff check --fix .

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

# A throwaway database and a private Redis; needs DATABASE_URL (PostgreSQL). SCALE=province takes a few minutes,
# SCALE=national much longer (bench/__main__.py).
SCALE ?= province
bench: install
	$(BIN)/python -m bench --scale $(SCALE)

# Needs GNU gettext (apt-get install gettext). Only English is extracted: our msgids are Vietnamese, and
# locale/vi holds hand-written Vietnamese for third-party English. Commit the .po and the .mo (CI has no gettext).
messages: install
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
