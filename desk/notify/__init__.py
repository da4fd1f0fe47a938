"""Messages to residents (and later volunteers): the outbox and what plans its rows."""
