"""The shared kernel: what every context uses — who is asking (`actor`), clean text
(`text`), moments in UTC (`time`) and SQL helpers of the models (`sql`). It imports
nothing from the contexts."""
