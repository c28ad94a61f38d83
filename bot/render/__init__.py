"""Every reply the bot sends is rendered here, from the engine's answer and codes (Block Kit + plain text)."""
