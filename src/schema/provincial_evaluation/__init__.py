"""The provincial evaluation (Art. 17, 18) and 财政厅's July summary through the API."""
