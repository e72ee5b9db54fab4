#!/bin/sh
# Create Temporal's two databases in temporal-db and bring their schemas to the version of this
# admin-tools image. Runs before every start of the Temporal server (the `temporal-schema` one-shot
# service of docker-compose.yml) and is safe to repeat: `create` skips a database that exists,
# `setup-schema -v 0.0` leaves an already versioned schema alone, and `update-schema` applies only
# the migrations newer than the stored version (so a newer admin-tools image upgrades the schema;
# move one minor Temporal version at a time). temporal-sql-tool reads the password from
# SQL_PASSWORD.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is not set}"
: "${POSTGRES_USER:?POSTGRES_USER is not set}"
: "${SQL_PASSWORD:?SQL_PASSWORD is not set}"
port="${DB_PORT:-5432}"
schema_root=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

for database in temporal temporal_visibility; do
  case "$database" in
    temporal) versioned="$schema_root/temporal/versioned" ;;
    *) versioned="$schema_root/visibility/versioned" ;;
  esac
  # `create` also waits out a database that reports healthy before it accepts remote clients.
  attempt=1
  until sql_tool --db "$database" create; do
    if [ "$attempt" -ge 30 ]; then
      echo "cannot create database $database on $POSTGRES_SEEDS:$port" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
  sql_tool --db "$database" setup-schema -v 0.0
  sql_tool --db "$database" update-schema -d "$versioned"
  echo "schema of $database is up to date"
done
