{{/* Names and labels shared by every template of the chart. */}}

{{- define "hearth.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-hearth", unless the release name already says hearth. 63: DNS label. */}}
{{- define "hearth.fullname" -}}
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

{{- define "hearth.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hearth.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hearth.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "hearth.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: agent
{{- end }}

{{- define "hearth.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hearth.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hearth.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The chart's own Secret exists when auth or TLS is on without an existing Secret. */}}
{{- define "hearth.chartSecretNeeded" -}}
{{- if or (and .Values.auth.enabled (not .Values.auth.existingSecret)) (and .Values.tls.enabled (not .Values.tls.existingSecret)) }}true{{- end }}
{{- end }}

{{- define "hearth.authSecretName" -}}
{{- default (include "hearth.fullname" .) .Values.auth.existingSecret }}
{{- end }}

{{- define "hearth.tlsSecretName" -}}
{{- default (include "hearth.fullname" .) .Values.tls.existingSecret }}
{{- end }}

{{/* Whether the agent asks for client certificates. */}}
{{- define "hearth.clientCA" -}}
{{- if .Values.tls.existingSecret }}{{ if .Values.tls.existingSecretHasClientCA }}true{{ end }}{{ else if .Values.tls.clientCA }}true{{ end }}
{{- end }}

{{/*
One TOML value for the agent's config file (CLI11 reads it): strings quoted, booleans bare,
numbers as integers (YAML numbers reach templates as floats, and "10000.0" is no valid
value of an integer flag).
*/}}
{{- define "hearth.tomlValue" -}}
{{- if kindIs "string" . }}{{ quote . }}{{ else if kindIs "bool" . }}{{ . }}{{ else }}{{ int64 . }}{{ end }}
{{- end }}
