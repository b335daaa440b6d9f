# Sourced by bench/load.sh and bench/admission.sh: the nginx that stands for "the ceiling".
#
#   write_nginx_conf DIR PORT CERT KEY RESPONSE_FILE
#
# writes DIR/nginx.conf: worker_processes 2, TLS 1.2/1.3 on 127.0.0.1:PORT with the given certificate,
# answering POST /mutate with exactly the bytes of RESPONSE_FILE. `return 200 '<body>'` answers any
# method and discards the request body, the cheapest way nginx has to answer it (a static file would
# answer POST with 405; redirecting that with error_page costs an internal redirect per request, which
# would flatter our ratio). In the nginx string \ and ' are escaped; a $ would start a variable, so it
# is spelled ${dollar}.
write_nginx_conf() {
  local dir=$1 port=$2 cert=$3 key=$4 body
  body=$(sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g" -e 's/\$/${dollar}/g' "$5")
  cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  client_max_body_size 8m;
  keepalive_timeout 75s;
  keepalive_requests 1000000;   # 1.22 closes a connection after 1,000 requests by default; Jetty never does
  geo \$dollar { default "\$"; }
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $cert;
    ssl_certificate_key $key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /mutate {
      default_type application/json;
      return 200 '$body';
    }
  }
}
CONF
}
