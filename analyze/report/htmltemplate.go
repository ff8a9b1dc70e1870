package report

// htmlTemplate is the single-file HTML page: inline CSS only, no script and
// no external asset, so it can be attached to a ticket and opened offline.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #212529; line-height: 1.4; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .7em 1em; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; }
.ok { font-size: 1.2em; color: #1a7f37; }
.sev { display: inline-block; border-radius: 4px; padding: 0 .4em; font-size: .8em; text-transform: uppercase; background: #e9ecef; }
.sev-critical { background: #b00020; color: #fff; }
.sev-warning { background: #ffc107; }
.finding { border-top: 2px solid #d0d7de; margin-top: 2em; }
.chain { list-style: none; padding: 0; margin: 1em 0; }
.chain > li { position: relative; border: 1px solid #adb5bd; border-radius: 6px; padding: .5em .8em; margin: 2.4em 0 0; background: #fff; }
.chain > li:first-child { margin-top: 0; }
.chain > li + li::before { content: "\2193  blocked by"; position: absolute; top: -2em; left: 1.2em; color: #6c757d; font-size: .85em; }
.chain > li.symptom { background: #fff3cd; }
.chain > li.root { background: #f8d7da; border: 3px solid #b00020; }
.chain > li.missing { border-style: dashed; color: #6c757d; }
.timeline time, .timeline .undated { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: bold; }
.timeline .undated { color: #6c757d; }
.warn { background: #fff3cd; border-left: 4px solid #b00020; padding: .4em .8em; }
.changed { margin-top: .4em; font-weight: bold; color: #b00020; }
.kind { font-weight: bold; }
.problem { margin-top: .2em; }
.ev { margin: .4em 0 0 1em; font-size: .9em; overflow-wrap: anywhere; }
.ev code { color: #57606a; }
.ev blockquote { margin: .1em 0 0 0; padding-left: .6em; border-left: 3px solid #d0d7de; font-family: ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>nsbundle analysis</h1>
<p>Bundle: {{.Bundle}}</p>
{{- if .Findings}}
<table>
<thead><tr><th>#</th><th>Rule</th><th>Severity</th><th>Symptom</th><th>Root cause</th></tr></thead>
<tbody>
{{- range $i, $f := .Findings}}
<tr><td><a href="#{{$f.Anchor}}">{{$f.Num}}</a></td><td>{{$f.ID}}</td><td><span class="sev sev-{{$f.Severity}}">{{$f.Severity}}</span></td><td><code>{{$f.Symptom}}</code></td><td><code>{{$f.RootCause}}</code></td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p class="ok">No blocking chains found.{{if .Checked}} Checked: {{.Checked}}.{{end}}</p>
{{- end}}
{{- range .Findings}}
<section class="finding" id="{{.Anchor}}">
<h2>{{.Num}}. {{.ID}} <span class="sev sev-{{.Severity}}">{{.Severity}}</span> {{.Summary}}</h2>
<p>Symptom: <code>{{.Symptom}}</code>{{if .Also}}; also affects{{range .Also}} <code>{{.}}</code>{{end}}{{end}}</p>
{{- if .Timeline}}
<h3>Timeline (UTC)</h3>
<p>Began: {{if .Began}}{{.Began}}, at <code>{{.BeganAt}}</code>{{else}}not dated: the bundle shows no time for the root cause{{end}}</p>
<ol class="timeline">
{{- range .Timeline}}
<li{{if .Location}} title="{{.Location}}"{{end}}>{{if .Datetime}}<time datetime="{{.Datetime}}">{{.When}}</time>{{else}}<span class="undated">{{.When}}</span>{{end}}{{range $i, $r := .Refs}}{{if $i}},{{end}} <code>{{$r}}</code>{{end}}: {{.What}}</li>
{{- end}}
</ol>
{{- range .Warnings}}
<p class="warn"><strong>Order warning:</strong> {{.}}</p>
{{- end}}
{{- end}}
<ol class="chain">
{{- range .Boxes}}
<li{{if .Class}} class="{{.Class}}"{{end}}><span class="kind">{{.Kind}}</span> <code>{{.Name}}</code>
{{- if .Problem}}<div class="problem">{{.Problem}}</div>{{end}}
{{- range .Evidence}}
<div class="ev"><code>{{.Location}}</code><blockquote>{{.Value}}</blockquote></div>
{{- end}}
{{- if .Changed}}
<div class="changed"><strong>Changed by:</strong> {{.Changed}}</div>
{{- with .ChangedEv}}
<div class="ev"><code>{{.Location}}</code><blockquote>{{.Value}}</blockquote></div>
{{- end}}
{{- end}}
</li>
{{- end}}
</ol>
<h3>Root cause</h3>
<p><code>{{.RootCause}}</code>{{if .RootProblem}}: {{.RootProblem}}{{end}}</p>
<h3>Fix</h3>
<pre>{{.Fix}}</pre>
<h3>Verify</h3>
<pre><code>{{.Verify}}</code></pre>
{{if .Expect}}<p>Expect: {{.Expect}}</p>{{end}}
{{- if .Missing}}
<h3>Missing evidence</h3>
<ul>
{{- range .Missing}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
</section>
{{- end}}
{{- if .Notes}}
<h2>Notes on the bundle</h2>
<ul>
{{- range .Notes}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
</body>
</html>
`
