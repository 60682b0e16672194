{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "tcp-echo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name, plus the chart name unless the release name already contains it. */}}
{{- define "tcp-echo.fullname" -}}
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

{{- define "tcp-echo.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "tcp-echo.labels" -}}
helm.sh/chart: {{ include "tcp-echo.chart" . }}
{{ include "tcp-echo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tcp-echo
{{- end }}

{{/* Labels that select the pods; never change them on upgrade. */}}
{{- define "tcp-echo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tcp-echo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tcp-echo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tcp-echo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: repository:tag, or repository@digest. */}}
{{- define "tcp-echo.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "tcp-echo.managementName" -}}
{{- printf "%s-management" (include "tcp-echo.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Termination grace period: explicit, or shutdown delay + drain timeout + 15 s of margin. */}}
{{- define "tcp-echo.terminationGracePeriodSeconds" -}}
{{- $minimum := add .Values.echo.shutdownDelaySeconds .Values.echo.drainTimeoutSeconds }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add $minimum 15 }}
{{- else }}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $minimum) }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed echo.shutdownDelaySeconds + echo.drainTimeoutSeconds (%v), or connections are killed before they drain" .Values.terminationGracePeriodSeconds $minimum) }}
{{- end }}
{{- .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/*
The container memory limit in MiB, which the JVM sizes itself from (see values.yaml, resources). Required,
a whole number of bytes or of a binary or decimal unit, and at least 256Mi.
*/}}
{{- define "tcp-echo.memoryLimitMiB" -}}
{{- $raw := dig "limits" "memory" "" (.Values.resources | default dict) }}
{{- $limit := ternary (printf "%d" (int64 $raw)) (toString $raw) (or (kindIs "float64" $raw) (kindIs "int64" $raw) (kindIs "int" $raw)) }}
{{- if not $limit }}
{{- fail "resources.limits.memory is required: the JVM sizes its heap and direct memory from it" }}
{{- end }}
{{- if not (regexMatch "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$" $limit) }}
{{- fail (printf "resources.limits.memory=%s: use a whole number of bytes or of Ki, Mi, Gi, Ti, k, M, G or T" $limit) }}
{{- end }}
{{- $factors := dict "" 1 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 }}
{{- $mib := div (mul (regexFind "^[0-9]+" $limit | int64) (get $factors (regexFind "[A-Za-z]*$" $limit))) 1048576 }}
{{- if lt (int64 $mib) 256 }}
{{- fail (printf "resources.limits.memory=%s is below 256Mi, the least the JVM, its direct memory and the echo's memory budget fit in" $limit) }}
{{- end }}
{{- $mib }}
{{- end }}

{{/*
The Secret with the TLS echo's certificate: tls.secretName, or the one the cert-manager Certificate fills. One of
the two is required when TLS is on.
*/}}
{{- define "tcp-echo.tlsSecretName" -}}
{{- if ne .Values.echo.proxyProtocol "off" }}
{{- fail "tls.enabled with echo.proxyProtocol: the TLS echo reads no PROXY protocol header yet; set echo.proxyProtocol=off or disable tls" }}
{{- end }}
{{- if .Values.tls.secretName }}
{{- .Values.tls.secretName }}
{{- else if .Values.tls.certManager.enabled }}
{{- printf "%s-tls" (include "tcp-echo.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- fail "tls.enabled needs a certificate: set tls.secretName to a kubernetes.io/tls Secret (tls.crt, tls.key), or tls.certManager.enabled with tls.certManager.issuerRef.name" }}
{{- end }}
{{- end }}

{{/*
The fault keys of a scenario in values, the application's variable for each (ECHO_FAULTS_<NAME>_<SUFFIX>) and how
its value is written: durations in milliseconds, sizes and rates in bytes, flags, the probability as it is.
*/}}
{{- define "tcp-echo.faultKeys" -}}
latencyMs: [LATENCY, ms]
jitterMs: [JITTER, ms]
bandwidth: [BANDWIDTH, bytes]
timeoutMs: [TIMEOUT, ms]
resetAfterBytes: [RESET_AFTER_BYTES, bytes]
resetPeerMs: [RESET_PEER, ms]
limitData: [LIMIT_DATA, bytes]
slowCloseMs: [SLOW_CLOSE, ms]
noHalfClose: [NO_HALF_CLOSE, flag]
firstByteDelayMs: [FIRST_BYTE_DELAY, ms]
corruptEvery: [CORRUPT_EVERY, bytes]
refuse: [REFUSE, flag]
probability: [PROBABILITY, number]
slicer.averageSize: [SLICER_AVERAGE_SIZE, bytes]
slicer.sizeVariation: [SLICER_SIZE_VARIATION, bytes]
slicer.delayMs: [SLICER_DELAY, ms]
{{- end }}

{{/*
The container's variables of the fault scenarios and of the fault command port. Fails on two listeners with one port:
the application would refuse to start.
*/}}
{{- define "tcp-echo.faultEnv" -}}
{{- $keys := include "tcp-echo.faultKeys" . | fromYaml }}
{{- $ports := dict (toString (int64 .Values.echo.port)) "echo.port" (toString (int64 .Values.management.port)) "management.port" }}
{{- if .Values.whoami.enabled }}{{- $_ := set $ports (toString (int64 .Values.whoami.port)) "whoami.port" }}{{- end }}
{{- if not (kindIs "invalid" .Values.identity.port) }}
{{- $port := toString (int64 .Values.identity.port) }}
{{- if hasKey $ports $port }}
{{- fail (printf "identity.port=%s is %s too: give each listener a port of its own" $port (get $ports $port)) }}
{{- end }}
{{- $_ := set $ports $port "identity.port" }}
{{- end }}
{{- if .Values.tls.enabled }}{{- $_ := set $ports (toString (int64 .Values.tls.port)) "tls.port" }}{{- end }}
{{- range $name, $scenario := .Values.faults.scenarios }}
{{- $port := toString (int64 $scenario.port) }}
{{- if hasKey $ports $port }}
{{- fail (printf "faults.scenarios.%s.port=%s is %s too: give each listener a port of its own" $name $port (get $ports $port)) }}
{{- end }}
{{- $_ := set $ports $port (printf "faults.scenarios.%s.port" $name) }}
- name: ECHO_FAULTS_{{ upper $name }}_PORT
  value: {{ $port | quote }}
{{- range $key, $how := $keys }}
{{- $parts := splitList "." $key }}
{{- $holder := $scenario }}
{{- if eq (len $parts) 2 }}{{- $holder = get $scenario (index $parts 0) | default dict }}{{- end }}
{{- $field := last $parts }}
{{- if and (kindIs "map" $holder) (hasKey $holder $field) (not (kindIs "invalid" (get $holder $field))) }}
{{- $value := get $holder $field }}
- name: ECHO_FAULTS_{{ upper $name }}_{{ index $how 0 }}
  {{- if eq (index $how 1) "ms" }}
  value: {{ printf "%vms" $value | quote }}
  {{- else if eq (index $how 1) "bytes" }}
  value: {{ $value | int64 | quote }}
  {{- else }}
  value: {{ $value | toString | quote }}
  {{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.faults.command.enabled }}
{{- $port := toString (int64 .Values.faults.command.port) }}
{{- if hasKey $ports $port }}
{{- fail (printf "faults.command.port=%s is %s too: give each listener a port of its own" $port (get $ports $port)) }}
{{- end }}
- name: ECHO_FAULTS_COMMAND_PORT
  value: {{ $port | quote }}
{{- end }}
- name: ECHO_FAULTS_COMMAND_TIMEOUT
  value: {{ printf "%ds" (int64 .Values.faults.command.timeoutSeconds) | quote }}
- name: ECHO_FAULTS_MAX_CONNECTIONS
  value: {{ .Values.faults.maxConnections | int64 | quote }}
{{- end }}

{{/*
A size value for the server, which reads sizes in one syntax (64KiB, 1MiB, 64M or bare bytes): a string as written, a
number as a whole number of bytes (Helm reads YAML numbers as floats, which would print 268435456 as 2.68435456e+08).
*/}}
{{- define "tcp-echo.size" -}}
{{- if kindIs "string" . }}{{ . | quote }}{{ else }}{{ . | int64 | quote }}{{ end }}
{{- end }}

{{/*
The load Job's names: its headless Service (the pods' subdomain), and the Job, one per release revision, as a Job's
pod template cannot change: each `helm upgrade` with loadJob.enabled runs the load again under a new name. Short
enough for a pod's host name, <job>-<index>, to stay within 63 characters.
*/}}
{{- define "tcp-echo.loadServiceName" -}}
{{- printf "%s-load" (include "tcp-echo.fullname" . | trunc 40 | trimSuffix "-") }}
{{- end }}

{{- define "tcp-echo.loadJobName" -}}
{{- printf "%s-%d" (include "tcp-echo.loadServiceName" .) (int64 .Release.Revision) }}
{{- end }}

{{/* Labels that select the load pods: never the echo pods' own, or the echo Service would send clients to them. */}}
{{- define "tcp-echo.loadSelectorLabels" -}}
app.kubernetes.io/name: {{ include "tcp-echo.name" . | trunc 58 | trimSuffix "-" }}-load
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: load
{{- end }}

{{- define "tcp-echo.loadLabels" -}}
helm.sh/chart: {{ include "tcp-echo.chart" . }}
{{ include "tcp-echo.loadSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tcp-echo
{{- end }}
