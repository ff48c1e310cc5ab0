"""Federation between levels (分级部署): links to the upper office's instance, signed messages
from a durable outbox, and what comes back down."""
