{{/*
Names. Every object is named <fullname>-<component>, for example mlmesh-inference-svc.
*/}}
{{- define "mlmesh.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The five services: values key -> component name. */}}
{{- define "mlmesh.components" -}}
featureStore: feature-store-svc
training: training-svc
registry: registry-svc
inference: inference-svc
monitor: monitor-svc
{{- end -}}

{{/* Name of a component's objects; argument: (list $ "inference-svc"). */}}
{{- define "mlmesh.componentName" -}}
{{- printf "%s-%s" (include "mlmesh.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* Labels of every object; objects of one component add mlmesh.selectorLabels. */}}
{{- define "mlmesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: mlmesh
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels; argument: (list $ "inference-svc"). */}}
{{- define "mlmesh.selectorLabels" -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
{{- end -}}

{{/* Image of a service; argument: (list $ .Values.inference). */}}
{{- define "mlmesh.image" -}}
{{- $root := index . 0 -}}
{{- $svc := index . 1 -}}
{{- $tag := $svc.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- if $root.Values.image.registry -}}
{{- printf "%s/%s:%s" $root.Values.image.registry $svc.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $svc.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Address (host) of a component's Service. */}}
{{- define "mlmesh.host" -}}
{{- include "mlmesh.componentName" . -}}
{{- end -}}

{{- define "mlmesh.otlpEndpoint" -}}
{{- if .Values.tracing.endpoint -}}
{{- .Values.tracing.endpoint -}}
{{- else -}}
{{- $scheme := ternary "https" "http" .Values.tls.enabled -}}
{{- printf "%s://%s:%v" $scheme (include "mlmesh.host" (list . "monitor-svc")) .Values.monitor.port -}}
{{- end -}}
{{- end -}}

{{- define "mlmesh.redisUrl" -}}
{{- if eq .Values.redis.mode "external" -}}
{{- .Values.redis.url -}}
{{- else if eq .Values.redis.mode "internal" -}}
{{- printf "redis://%s:6379" (include "mlmesh.componentName" (list . "redis")) -}}
{{- end -}}
{{- end -}}

{{- define "mlmesh.jdbcUrl" -}}
{{- if eq .Values.postgresql.mode "external" -}}
{{- .Values.postgresql.jdbcUrl -}}
{{- else if eq .Values.postgresql.mode "internal" -}}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "mlmesh.componentName" (list . "postgresql")) .Values.postgresql.auth.database -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the database password, and its key. */}}
{{- define "mlmesh.postgresqlSecretName" -}}
{{- .Values.postgresql.auth.existingSecret | default (include "mlmesh.componentName" (list . "postgresql")) -}}
{{- end -}}

{{- define "mlmesh.postgresqlSecretKey" -}}
{{- if .Values.postgresql.auth.existingSecret -}}
{{- .Values.postgresql.auth.passwordKey -}}
{{- else -}}
password
{{- end -}}
{{- end -}}

{{/*
Settings of each service, rendered into its ConfigMap. Quarkus maps an environment variable to
its property: MLMESH_FEATURESTORE_REDIS_URL -> mlmesh.featurestore.redis-url.
*/}}
{{- define "mlmesh.config.common" -}}
{{- $root := index . 0 -}}
{{- $svc := index . 1 -}}
QUARKUS_HTTP_PORT: {{ $svc.port | quote }}
QUARKUS_HTTP_HOST: "0.0.0.0"
{{- if $root.Values.tls.enabled }}
QUARKUS_CONFIG_LOCATIONS: {{ include "mlmesh.tlsPropertiesPath" $root | quote }}
{{- end }}
JAVA_OPTS_APPEND: {{ printf "-Djava.util.logging.manager=org.jboss.logmanager.LogManager %s" $svc.javaOpts | trim | quote }}
{{- end -}}

{{- define "mlmesh.config.tracing" -}}
{{- if .Values.tracing.enabled -}}
QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {{ include "mlmesh.otlpEndpoint" . | quote }}
{{- else -}}
QUARKUS_OTEL_SDK_DISABLED: "true"
{{- end -}}
{{- end -}}

{{- define "mlmesh.config.peers" -}}
QUARKUS_GRPC_CLIENTS_FEATURESTORE_HOST: {{ include "mlmesh.host" (list . "feature-store-svc") | quote }}
QUARKUS_GRPC_CLIENTS_FEATURESTORE_PORT: {{ .Values.featureStore.port | quote }}
QUARKUS_GRPC_CLIENTS_REGISTRY_HOST: {{ include "mlmesh.host" (list . "registry-svc") | quote }}
QUARKUS_GRPC_CLIENTS_REGISTRY_PORT: {{ .Values.registry.port | quote }}
{{- end -}}

{{- define "mlmesh.config.featureStore" -}}
{{ include "mlmesh.config.tracing" . }}
MLMESH_FEATURESTORE_DATA_DIR: /data
MLMESH_FEATURESTORE_REDIS_URL: {{ include "mlmesh.redisUrl" . | quote }}
MLMESH_FEATURESTORE_KEY_PREFIX: {{ .Values.featureStore.keyPrefix | quote }}
{{- end -}}

{{- define "mlmesh.config.training" -}}
{{ include "mlmesh.config.tracing" . }}
{{ include "mlmesh.config.peers" . }}
MLMESH_TRAINING_DATA_DIR: /data
MLMESH_TRAINING_PEER_TIMEOUT: {{ .Values.training.peerTimeout | quote }}
OMP_WAIT_POLICY: PASSIVE
{{- end -}}

{{- define "mlmesh.config.registry" -}}
{{ include "mlmesh.config.tracing" . }}
MLMESH_REGISTRY_DATA_DIR: /data
MLMESH_REGISTRY_JDBC_URL: {{ include "mlmesh.jdbcUrl" . | quote }}
{{- if ne .Values.postgresql.mode "none" }}
MLMESH_REGISTRY_JDBC_USER: {{ .Values.postgresql.auth.user | quote }}
{{- end }}
{{- end -}}

{{- define "mlmesh.config.inference" -}}
{{ include "mlmesh.config.tracing" . }}
{{ include "mlmesh.config.peers" . }}
MLMESH_INFERENCE_PRELOAD: {{ join "," .Values.inference.preload | quote }}
MLMESH_INFERENCE_FEATURE_TIMEOUT_MILLIS: {{ .Values.inference.featureTimeoutMillis | quote }}
MLMESH_INFERENCE_REGISTRY_TIMEOUT_MILLIS: {{ .Values.inference.registryTimeoutMillis | quote }}
OMP_WAIT_POLICY: PASSIVE
{{- end -}}

{{- define "mlmesh.config.monitor" -}}
QUARKUS_GRPC_CLIENTS_FEATURESTORE_HOST: {{ include "mlmesh.host" (list . "feature-store-svc") | quote }}
QUARKUS_GRPC_CLIENTS_FEATURESTORE_PORT: {{ .Values.featureStore.port | quote }}
MLMESH_MONITOR_MAX_TRACES: {{ .Values.monitor.maxTraces | quote }}
MLMESH_MONITOR_MAX_SPANS_PER_TRACE: {{ .Values.monitor.maxSpansPerTrace | quote }}
{{- end -}}

{{/* Environment variables from Secrets (never in a ConfigMap). */}}
{{- define "mlmesh.secretEnv.featureStore" -}}
- name: MLMESH_FEATURESTORE_PII_HMAC_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.featureStore.pii.existingSecret | default (include "mlmesh.componentName" (list . "feature-store-pii")) }}
      key: pii-hmac-key
      optional: true
{{- end -}}

{{/*
training-svc's registry token, from key training-token of the registry auth Secret: rendered
there from the first writer token, or provided in an existing Secret. Absent when neither is set.
*/}}
{{- define "mlmesh.secretEnv.training" -}}
{{- if or .Values.registry.auth.existingSecret .Values.registry.auth.writerTokens -}}
- name: MLMESH_TRAINING_REGISTRY_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.registry.auth.existingSecret | default (include "mlmesh.componentName" (list . "registry-auth")) }}
      key: training-token
      optional: true
{{- end -}}
{{- end -}}

{{- define "mlmesh.secretEnv.registry" -}}
{{- $authSecret := .Values.registry.auth.existingSecret | default (include "mlmesh.componentName" (list . "registry-auth")) -}}
- name: MLMESH_REGISTRY_AUTH_WRITER_TOKENS
  valueFrom:
    secretKeyRef:
      name: {{ $authSecret }}
      key: writer-tokens
      optional: true
- name: MLMESH_REGISTRY_AUTH_ADMIN_TOKENS
  valueFrom:
    secretKeyRef:
      name: {{ $authSecret }}
      key: admin-tokens
      optional: true
{{- if ne .Values.postgresql.mode "none" }}
- name: MLMESH_REGISTRY_JDBC_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "mlmesh.postgresqlSecretName" . }}
      key: {{ include "mlmesh.postgresqlSecretKey" . }}
{{- end }}
{{- end -}}

{{/*
TLS material: a Secret with tls.crt, tls.key and ca.crt mounted read-only into every service,
and the Quarkus settings that use it (TLS registry configuration "mlmesh"). The settings sit in
a properties file because their names hold a configuration name, which environment variables
cannot carry unambiguously; QUARKUS_CONFIG_LOCATIONS points each service at the file.
*/}}
{{- define "mlmesh.tlsSecretName" -}}
{{- .Values.tls.existingSecret | default (include "mlmesh.componentName" (list . "tls")) -}}
{{- end -}}

{{- define "mlmesh.tlsDir" -}}
/etc/mlmesh/tls
{{- end -}}

{{- define "mlmesh.tlsPropertiesPath" -}}
/etc/mlmesh/tls-config/tls.properties
{{- end -}}

{{- define "mlmesh.tlsProperties" -}}
{{- $dir := include "mlmesh.tlsDir" . -}}
# Server: HTTP/2 with TLS on the service port (gRPC, health, metrics); no plaintext port.
quarkus.tls.mlmesh.key-store.pem.service.cert={{ $dir }}/tls.crt
quarkus.tls.mlmesh.key-store.pem.service.key={{ $dir }}/tls.key
quarkus.tls.mlmesh.trust-store.pem.certs={{ $dir }}/ca.crt
quarkus.tls.mlmesh.reload-period={{ .Values.tls.reloadPeriod }}
quarkus.http.tls-configuration-name=mlmesh
quarkus.http.ssl-port=${quarkus.http.port}
quarkus.http.insecure-requests=disabled
# Clients: peers over TLS, trusting ca.crt (the services use the grpc-java client).
quarkus.grpc.clients.featurestore.plain-text=false
quarkus.grpc.clients.featurestore.ssl.trust-store={{ $dir }}/ca.crt
quarkus.grpc.clients.registry.plain-text=false
quarkus.grpc.clients.registry.ssl.trust-store={{ $dir }}/ca.crt
quarkus.otel.exporter.otlp.traces.tls-configuration-name=mlmesh
{{- end -}}

{{/* Probes: gRPC health, or HTTPS health with TLS on; argument: (list $ port). */}}
{{- define "mlmesh.probes" -}}
{{- if (index . 0).Values.tls.enabled -}}
{{- include "mlmesh.httpsProbes" . -}}
{{- else -}}
{{- include "mlmesh.grpcProbes" . -}}
{{- end -}}
{{- end -}}

{{/*
With TLS the kubelet cannot use gRPC probes (they are plaintext only); it checks the same
health (/q/health includes the gRPC server's) over HTTPS without verifying the certificate.
*/}}
{{- define "mlmesh.httpsProbes" -}}
{{- $probes := (index . 0).Values.probes -}}
{{- $port := index . 1 -}}
startupProbe:
  httpGet:
    path: /q/health/started
    port: {{ $port }}
    scheme: HTTPS
  periodSeconds: {{ $probes.startupPeriodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.startupFailureThreshold }}
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: {{ $port }}
    scheme: HTTPS
  periodSeconds: {{ $probes.periodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.failureThreshold }}
livenessProbe:
  httpGet:
    path: /q/health/live
    port: {{ $port }}
    scheme: HTTPS
  periodSeconds: {{ $probes.periodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.failureThreshold }}
{{- end -}}

{{- define "mlmesh.grpcProbes" -}}
{{- $probes := (index . 0).Values.probes -}}
{{- $port := index . 1 -}}
startupProbe:
  grpc:
    port: {{ $port }}
  periodSeconds: {{ $probes.startupPeriodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.startupFailureThreshold }}
readinessProbe:
  grpc:
    port: {{ $port }}
  periodSeconds: {{ $probes.periodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.failureThreshold }}
livenessProbe:
  grpc:
    port: {{ $port }}
  periodSeconds: {{ $probes.periodSeconds }}
  timeoutSeconds: {{ $probes.timeoutSeconds }}
  failureThreshold: {{ $probes.failureThreshold }}
{{- end -}}
