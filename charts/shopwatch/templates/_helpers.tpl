{{/* Chart name, overridable. */}}
{{- define "shopwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, unless the release name already contains the chart name. */}}
{{- define "shopwatch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "shopwatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one component's objects: <fullname>-<component>. Args: root, name. */}}
{{- define "shopwatch.componentName" -}}
{{- printf "%s-%s" (include "shopwatch.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select one component's pods. `app.kubernetes.io/name` is the component (service)
name, as the ServiceObservability examples and the dashboards expect; `instance` keeps two
releases in one namespace apart. Never change these after a release exists. Args: root, name.
*/}}
{{- define "shopwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* Labels on every object of one component. Args: root, name, component (service|infrastructure|job). */}}
{{- define "shopwatch.labels" -}}
helm.sh/chart: {{ include "shopwatch.chart" .root }}
{{ include "shopwatch.selectorLabels" . }}
app.kubernetes.io/component: {{ .component | default "service" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: shopwatch
{{- end }}

{{/*
Labels of pod templates that must not change from one chart version to the next: the data pods
(PostgreSQL, Kafka, Redis) and services that keep their state in memory (`stateInMemory`). No
`helm.sh/chart` or `app.kubernetes.io/version`: a label that changes per chart version changes the
pod template, and a changed template replaces the pod — with persistence off, or state in memory,
the data goes with it. These pods roll only when their own settings or image change.
Args: root, name, component.
*/}}
{{- define "shopwatch.stablePodLabels" -}}
{{ include "shopwatch.selectorLabels" . }}
app.kubernetes.io/component: {{ .component | default "service" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: shopwatch
{{- end }}

{{/*
updateStrategy of an in-chart data StatefulSet. Without persistence its data lives in the pod
(emptyDir): a rolling update with partition 1, so ordinal 0 (the only pod) is never replaced by an
upgrade or a changed setting, which would wipe the data; a change takes effect only when you lower
the partition yourself (docs/upgrading.md). Not OnDelete: an existing StatefulSet carries the
defaulted `rollingUpdate` block, and the API refuses OnDelete next to it, so the upgrade from 0.1.0
would fail. With a volume, a plain rolling update keeps the data. Args: the `persistence` block.
*/}}
{{- define "shopwatch.dataUpdateStrategy" -}}
type: RollingUpdate
rollingUpdate:
  partition: {{ .enabled | ternary 0 1 }}
{{- end }}

{{/* Labels on release-wide objects (secrets, config maps, policies). */}}
{{- define "shopwatch.commonLabels" -}}
helm.sh/chart: {{ include "shopwatch.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: shopwatch
{{- end }}

{{/*
One service's settings: every key of `serviceDefaults` the service overrides replaces the
default as a whole. (Not mergeOverwrite: it skips false and 0, so `podDisruptionBudget.enabled:
false` on one service would silently keep the default.) Args: root, name. Returns YAML.
*/}}
{{- define "shopwatch.serviceSettings" -}}
{{- $svc := index .root.Values.services .name }}
{{- $out := dict }}
{{- range $key, $default := .root.Values.serviceDefaults }}
{{- $_ := set $out $key (hasKey $svc $key | ternary (index $svc $key) $default) }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* The services that are enabled, sorted (so renders are stable). Returns a JSON list. */}}
{{- define "shopwatch.enabledServices" -}}
{{- $names := list }}
{{- range $name, $svc := .Values.services }}
{{- if $svc.enabled }}{{ $names = append $names $name }}{{ end }}
{{- end }}
{{- toJson (sortAlpha $names) }}
{{- end }}

{{/* Image of a service. Args: root, name. */}}
{{- define "shopwatch.serviceImage" -}}
{{- $svc := index .root.Values.services .name }}
{{- $image := $svc.image | default dict }}
{{- $repo := $image.repository | default (printf "%s%s" .root.Values.image.repositoryPrefix .name) }}
{{- $tag := $image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/* An infrastructure image from its `image` block. */}}
{{- define "shopwatch.infraImage" -}}
{{- printf "%s:%s" .repository (toString .tag) }}
{{- end }}

{{/* The JWT Secret's name (generated unless `jwt.existingSecret`). */}}
{{- define "shopwatch.jwtSecretName" -}}
{{- .Values.jwt.existingSecret | default (include "shopwatch.componentName" (dict "root" . "name" "jwt")) }}
{{- end }}

{{- define "shopwatch.adminSecretName" -}}
{{- .Values.admin.existingSecret | default (include "shopwatch.componentName" (dict "root" . "name" "admin")) }}
{{- end }}

{{- define "shopwatch.postgresSecretName" -}}
{{- .Values.postgresql.auth.existingSecret | default (include "shopwatch.componentName" (dict "root" . "name" "postgresql")) }}
{{- end }}

{{- define "shopwatch.redisSecretName" -}}
{{- .Values.redis.auth.existingSecret | default (include "shopwatch.componentName" (dict "root" . "name" "redis")) }}
{{- end }}

{{/* Kafka bootstrap servers the services use. */}}
{{- define "shopwatch.kafkaBrokers" -}}
{{- if .Values.kafka.enabled }}
{{- printf "%s:9092" (include "shopwatch.componentName" (dict "root" . "name" "kafka")) }}
{{- else }}
{{- required "kafka.enabled=false needs externalKafka.brokers (host:port,host:port)" .Values.externalKafka.brokers }}
{{- end }}
{{- end }}

{{/* Database name of a service in the in-chart PostgreSQL (as in `make dev`). */}}
{{- define "shopwatch.databaseName" -}}
{{- printf "shopwatch_%s" . }}
{{- end }}

{{/*
A generated password kept across upgrades: the value already in the named Secret (lookup) if
there is one, else a new random one. `helm template` (no cluster) always generates.
Args: root, secret (name), key.
*/}}
{{- define "shopwatch.keptPassword" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 32 }}
{{- end }}
{{- end }}

{{/* Pod-level security context shared by every Shopwatch pod (Pod Security Standard `restricted`). */}}
{{- define "shopwatch.podSecurityContext" -}}
runAsNonRoot: true
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container-level security context fields `restricted` requires, whatever values add. */}}
{{- define "shopwatch.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop: [ALL]
{{- end }}

{{/*
Environment a service needs to reach its dependencies: DATABASE_URL, KAFKA_BROKERS, REDIS_URL.
Passwords come from Secrets and are spliced into the URLs by the kubelet's $(VAR) expansion, so
no password is ever written into a Deployment. Args: root, name.
*/}}
{{- define "shopwatch.dependencyEnv" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .name }}
{{- if $svc.database }}
{{- include "shopwatch.databaseEnv" . }}
{{- end }}
{{- if $svc.kafka }}
- name: KAFKA_BROKERS
  value: {{ include "shopwatch.kafkaBrokers" $root | quote }}
{{- end }}
{{- if $svc.redis }}
{{- if $root.Values.redis.enabled }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "shopwatch.redisSecretName" $root }}
      key: redis-password
- name: REDIS_URL
  value: "redis://:$(REDIS_PASSWORD)@{{ include "shopwatch.componentName" (dict "root" $root "name" "redis") }}:6379"
{{- else }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.enabled=false needs externalRedis.existingSecret (key REDIS_URL)" $root.Values.externalRedis.existingSecret }}
      key: REDIS_URL
{{- end }}
{{- end }}
{{- end }}

{{/* host:port of the in-chart Kafka and Redis a service waits for (PostgreSQL is awaited by logging in). Args: root, name. */}}
{{- define "shopwatch.dependencyEndpoints" -}}
{{- $root := .root }}
{{- $svc := index $root.Values.services .name }}
{{- $out := list }}
{{- if $svc.kafka }}
{{- $out = concat $out (splitList "," (include "shopwatch.kafkaBrokers" $root)) }}
{{- end }}
{{- if and $svc.redis $root.Values.redis.enabled }}
{{- $out = append $out (printf "%s:6379" (include "shopwatch.componentName" (dict "root" $root "name" "redis"))) }}
{{- end }}
{{- join "," $out }}
{{- end }}

{{/* Egress to the cluster DNS (`networkPolicy.dnsPeers`, port 53). */}}
{{- define "shopwatch.dnsEgress" -}}
- to:
    {{- toYaml .Values.networkPolicy.dnsPeers | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{/* DATABASE_URL of a service (its password spliced in from the Secret). Args: root, name. */}}
{{- define "shopwatch.databaseEnv" -}}
{{- $root := .root }}
{{- if $root.Values.postgresql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "shopwatch.postgresSecretName" $root }}
      key: {{ .name }}-password
- name: DATABASE_URL
  value: "postgres://{{ .name }}:$(DATABASE_PASSWORD)@{{ include "shopwatch.componentName" (dict "root" $root "name" "postgresql") }}:5432/{{ include "shopwatch.databaseName" .name }}"
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "postgresql.enabled=false needs externalDatabase.existingSecret (one DATABASE_URL per service, keyed by service name)" $root.Values.externalDatabase.existingSecret }}
      key: {{ .name }}
{{- end }}
{{- end }}

{{/* Non-empty when some enabled service loads demo data (seed Jobs exist). */}}
{{- define "shopwatch.seeding" -}}
{{- range $name, $svc := .Values.services }}
{{- if and $svc.enabled $svc.seed $svc.database }}yes{{ end }}
{{- end }}
{{- end }}
