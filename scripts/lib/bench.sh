# shellcheck shell=bash
# Shared by the benchmark scripts (sourced from the project root, not run).

# The JDK the benchmarks run on: Temurin 25 where it is installed, else the java on the PATH;
# JAVA=/path/to/java chooses another.
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java

# What every benchmark Tally runs with: the politeness and admission limits that protect real sites
# and a real service lifted (one local page server; the runs build backlogs), no retention purge,
# quiet logs. Each script adds its port, its worker count and its store.
BENCH_TALLY_ARGS=(--tally.fetch.allow-private-networks=true --tally.fetch.per-host-concurrency=64 --tally.fetch.per-host-interval=0ms
  --tally.admission.max-active=100000000 --tally.admission.max-active-per-client=100000000
  --tally.retention.enabled=false --logging.level.dev.tally=WARN)

# bench_h2_url DIR: an embedded store in DIR (relative to the project root), opened as Tally's default URL opens it.
bench_h2_url() {
  echo "jdbc:h2:file:$PWD/$1/tally;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128;DEFRAG_ALWAYS=TRUE"
}

# bench_wait_ready BASE_URL: waits up to 120 s for the Tally at BASE_URL to say it is ready; fails if it does not.
bench_wait_ready() {
  for _ in $(seq 1 240); do curl -fs "$1/actuator/health/readiness" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

# bench_page_server_start DIR PORT: nginx on 127.0.0.1:PORT serving DIR/html, which gets the corpus's
# page.html (the ~100 KB page of the end-to-end runs); a caller may put more files there.
bench_page_server_start() {
  local dir=$1 port=$2
  mkdir -p "$dir/html"
  cp target/bench-corpus/page.html "$dir/html/page.html"
  cat > "$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $PWD/$dir/nginx.pid;
error_log $PWD/$dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { text/html html; }
  server { listen 127.0.0.1:$port; root $PWD/$dir/html; }
}
NGINX
  nginx -c "$PWD/$dir/nginx.conf" -p "$PWD/$dir"
}

# bench_page_server_stop DIR: stops the page server bench_page_server_start started in DIR.
bench_page_server_stop() {
  nginx -c "$PWD/$1/nginx.conf" -p "$PWD/$1" -s stop 2>/dev/null || true
}
