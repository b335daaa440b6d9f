{{/* The chart's name, or nameOverride. */}}
{{- define "deadline-guard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names: the release name when it contains the chart name (deadline-guard), else release-chart. */}}
{{- define "deadline-guard.fullname" -}}
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

{{- define "deadline-guard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "deadline-guard.labels" -}}
helm.sh/chart: {{ include "deadline-guard.chart" . }}
app.kubernetes.io/name: {{ include "deadline-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: deadline-guard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The webhook pods: Deployment selector, Service, PodDisruptionBudget, spread and NetworkPolicy. */}}
{{- define "deadline-guard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "deadline-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end }}

{{- define "deadline-guard.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "deadline-guard.tlsSecret" -}}
{{- default (printf "%s-tls" (include "deadline-guard.fullname" .)) .Values.certificates.secretName }}
{{- end }}

{{/* Namespaces the webhooks never see: kube-system, the release's own, and exemptNamespaces. */}}
{{- define "deadline-guard.exemptNamespaces" -}}
{{- $all := list "kube-system" .Release.Namespace }}
{{- range .Values.exemptNamespaces }}{{ $all = append $all . }}{{ end }}
{{- toJson (uniq $all) }}
{{- end }}

{{/* The hardened container security context, shared by the Deployment, the Jobs and the CronJobs. */}}
{{- define "deadline-guard.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "deadline-guard.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The webhooks' matchConditions: only updates where the old or the new object carries a guarded key. */}}
{{- define "deadline-guard.matchConditions" -}}
{{- $keys := .Values.guardedKeys }}
- name: carries-scale-down-deadline
  expression: >-
    (has(object.metadata.annotations) &&
      ({{ range $i, $k := $keys }}{{ if $i }} ||
       {{ end }}'{{ $k }}' in object.metadata.annotations{{ end }})) ||
    (oldObject != null && has(oldObject.metadata.annotations) &&
      ({{ range $i, $k := $keys }}{{ if $i }} ||
       {{ end }}'{{ $k }}' in oldObject.metadata.annotations{{ end }}))
{{- end }}
