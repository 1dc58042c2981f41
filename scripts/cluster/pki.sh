#!/usr/bin/env bash
# Creates, once, the certificates and keys of the local control plane under .local/cluster/pki
# and the kubeconfig of every client (admin in .local/kubeconfig). Safe to run again: existing
# files are kept, so a running cluster and issued tokens stay valid.
#
#   ca.crt/key          the cluster CA: signs serving certs and client certs, read by clients
#   apiserver.crt/key   serving cert for 127.0.0.1:56443 (and the in-cluster service names)
#   <user>.crt/key      client certs: admin (system:masters), kube-controller-manager,
#                       kube-scheduler (their RBAC identities), kwok (system:masters), the real
#                       node's kubelet and kube-proxy, apiserver-kubelet-client
#   kubelet-serving.*   kubelet's serving cert on the node IP (the API server verifies it)
#   sa.key/sa.pub       signs and verifies ServiceAccount tokens (TokenRequest API)
#   front-proxy-*       aggregation layer: CA and the API server's client cert towards APIServices
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || die "openssl is required (apt-get install openssl)"
mkdir -p "$PKI"
umask 077

days=3650
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [[ ! -f "$PKI/ca.crt" ]]; then
  ec_key "$PKI/ca.key"
  openssl req -x509 -new -key "$PKI/ca.key" -sha256 -days "$days" -subj "/CN=shopwatch-local-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
fi

# leaf NAME SUBJECT EXTENSIONS...: a key and a certificate signed by the CA.
leaf() {
  local name="$1" subject="$2"; shift 2
  [[ -f "$PKI/$name.crt" ]] && return
  ec_key "$PKI/$name.key"
  local ext; ext="$(mktemp)"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "$@" >"$ext"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -sha256 -days "$days" -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

# The aggregation layer's own CA and the client cert the API server presents to extension API
# servers (APIService backends), so aggregated APIs work as in any kubeadm cluster.
if [[ ! -f "$PKI/front-proxy-ca.crt" ]]; then
  ec_key "$PKI/front-proxy-ca.key"
  openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -sha256 -days "$days" -subj "/CN=shopwatch-front-proxy-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/front-proxy-ca.crt" 2>/dev/null
fi
if [[ ! -f "$PKI/front-proxy-client.crt" ]]; then
  ec_key "$PKI/front-proxy-client.key"
  openssl req -new -key "$PKI/front-proxy-client.key" -subj "/CN=front-proxy-client" -out "$PKI/front-proxy-client.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=clientAuth" >"$PKI/front-proxy-client.ext"
  openssl x509 -req -in "$PKI/front-proxy-client.csr" -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" -CAcreateserial \
    -sha256 -days "$days" -extfile "$PKI/front-proxy-client.ext" -out "$PKI/front-proxy-client.crt" 2>/dev/null
  rm -f "$PKI/front-proxy-client.csr" "$PKI/front-proxy-client.ext"
fi

# The node IP joined the names once pods reached the API server there: an older cert is redone.
if [[ -f "$PKI/apiserver.crt" ]] && ! openssl x509 -in "$PKI/apiserver.crt" -noout -ext subjectAltName | grep -q "IP Address:$NODE_IP"; then
  rm -f "$PKI/apiserver.crt" "$PKI/apiserver.key"
fi
leaf apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
leaf admin "/O=system:masters/CN=shopwatch-admin" "extendedKeyUsage=clientAuth"
leaf kube-controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
leaf kube-scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
leaf kwok "/O=system:masters/CN=kwok-controller" "extendedKeyUsage=clientAuth"
# The real node: kubelet's identity (the Node authorizer admits system:node:<name> to its own
# node and pods), its serving cert on the node IP, kube-proxy's identity (bound to
# system:node-proxier by default), and the API server's client cert towards kubelets.
leaf kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "extendedKeyUsage=clientAuth"
leaf kubelet-serving "/CN=$NODE_NAME" "extendedKeyUsage=serverAuth" "subjectAltName=IP:$NODE_IP,DNS:$NODE_NAME"
leaf kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
leaf apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"

if [[ ! -f "$PKI/sa.key" ]]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
fi

# kubeconfig FILE USER: certificates embedded, so the file works from any directory.
kubeconfig() {
  local file="$1" user="$2" b64="base64 -w0"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: shopwatch-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $($b64 <"$PKI/$user.crt")
    client-key-data: $($b64 <"$PKI/$user.key")
contexts:
- name: shopwatch-local
  context:
    cluster: shopwatch-local
    user: $user
current-context: shopwatch-local
EOF
  mv "$file.tmp" "$file"
}

kubeconfig "$KUBECONFIG_FILE" admin
for c in kube-controller-manager kube-scheduler kwok kubelet kube-proxy; do kubeconfig "$CLUSTER_DIR/$c.kubeconfig" "$c"; done
