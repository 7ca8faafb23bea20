// Asks @cloud-copilot/iam-simulate, an IAM policy evaluator built from AWS's
// Service Authorization Reference, for the decision on each request.
//
// Input (standard input): JSON
//   {"principal": ARN, "cases": [{"policy": {...}, "action": "svc:Action",
//     "resource": ARN, "context": {"key": "value" | ["values"]},
//     "resourcePolicy": {...} (optional: a KMS key's key policy)}]}
// Output (standard output): one JSON line a case, in order:
//   {"decision": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error",
//    "detail": text when the simulator refused the request as invalid}
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const lines = []
for (const c of input.cases) {
  // Every resource here is in the principal's account, except IAM's and
  // KMS's, which name it too; an ARN without one (none here) would be S3.
  const account = c.resource.split(':')[4] || input.principal.split(':')[4]
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'printed', policy: c.policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
      request: {
        action: c.action,
        principal: input.principal,
        resource: { accountId: account, resource: c.resource },
        contextVariables: c.context || {}
      }
    },
    {}
  )
  if (result.resultType === 'error') {
    lines.push({ decision: 'Error', detail: JSON.stringify(result.errors) })
  } else {
    lines.push({ decision: result.overallResult })
  }
}
process.stdout.write(lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
