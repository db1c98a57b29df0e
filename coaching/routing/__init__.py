"""Lead routing: the policy, its scoring terms and filters, the batch solver, the service."""
