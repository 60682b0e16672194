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
